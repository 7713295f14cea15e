/**
 * The AWS stack, pinned resource by resource: tables, queues, bucket, both
 * APIs, each function's settings and exact permissions, event sources,
 * schedule, alarms and outputs. One in-process synthesis (no bundling) is
 * shared by the assertions; the real CLI runs once, offline, at the end.
 */

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSchemas } from '../../cloud/src/store/tables.js';
import { DELIVERIES_TIMEOUT, MAX_CONCURRENCY_PER_QUEUE, QUEUE_VISIBILITY } from '../../infra/lib/deliveries.js';
import { TABLE_ITEM_ACTIONS } from '../../infra/lib/grants.js';
import { COMMAND_TIMEOUT_MS } from '../../infra/lib/http-api.js';
import { REPO_ROOT } from '../../infra/lib/paths.js';
import { REDRIVE_MAX_RECEIVES, WORKER_ATTEMPTS } from '../../infra/lib/queues.js';
import { allow, logicalId, permissions, resource, synthesize, text, type Json } from './template.js';

const FN = 'AWS::Lambda::Function';

let t: Template;
let id: {
  fn: Record<'http' | 'connect' | 'disconnect' | 'message' | 'outbox' | 'sweep' | 'deliveries', string>;
  main: string;
  events: string;
  standard: string;
  standardDlq: string;
  ordered: string;
  orderedDlq: string;
  bucket: string;
  relayApi: string;
  publicApi: string;
  secretsKey: string;
  adminToken: string;
};

beforeAll(() => {
  t = synthesize();
  id = {
    fn: {
      http: logicalId(t, FN, 'PublicHandler'),
      connect: logicalId(t, FN, 'RelayConnect'),
      disconnect: logicalId(t, FN, 'RelayDisconnect'),
      message: logicalId(t, FN, 'RelayMessage'),
      outbox: logicalId(t, FN, 'OutboxStream'),
      sweep: logicalId(t, FN, 'OutboxSweep'),
      deliveries: logicalId(t, FN, 'DeliveriesHandler'),
    },
    main: logicalId(t, 'AWS::DynamoDB::Table', 'TablesMain'),
    events: logicalId(t, 'AWS::DynamoDB::Table', 'TablesEvents'),
    standard: logicalId(t, 'AWS::SQS::Queue', 'QueuesStandard'),
    standardDlq: logicalId(t, 'AWS::SQS::Queue', 'QueuesStandardDlq'),
    ordered: logicalId(t, 'AWS::SQS::Queue', 'QueuesOrdered'),
    orderedDlq: logicalId(t, 'AWS::SQS::Queue', 'QueuesOrderedDlq'),
    bucket: logicalId(t, 'AWS::S3::Bucket', 'Recordings'),
    relayApi: logicalId(t, 'AWS::ApiGatewayV2::Api', 'RelayApi'),
    publicApi: logicalId(t, 'AWS::ApiGatewayV2::Api', 'PublicApi'),
    secretsKey: logicalId(t, 'AWS::SecretsManager::Secret', 'SecretsSecretsKey'),
    adminToken: logicalId(t, 'AWS::SecretsManager::Secret', 'SecretsAdminToken'),
  };
});

const props = (logical: string): Json => resource(t, logical).Properties;
const env = (fn: string): Record<string, Json> => props(fn).Environment.Variables;

describe('tables', () => {
  const keys = (hash: string, range: string) => [
    { AttributeName: hash, KeyType: 'HASH' },
    { AttributeName: range, KeyType: 'RANGE' },
  ];

  it('main: PK/SK strings, on demand, TTL, point-in-time recovery, no stream, retained', () => {
    t.resourceCountIs('AWS::DynamoDB::Table', 2);
    const main = resource(t, id.main);
    expect(main.Properties).toEqual({
      AttributeDefinitions: [
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
      ],
      KeySchema: keys('PK', 'SK'),
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(main.DeletionPolicy).toBe('Retain');
    expect(main.UpdateReplacePolicy).toBe('Retain');
  });

  it('events: PK/SK, GSI1 and GSI2 (all attributes), stream of new images, TTL, PITR, retained', () => {
    const events = resource(t, id.events);
    expect(events.Properties).toEqual({
      AttributeDefinitions: ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'].map((n) => ({ AttributeName: n, AttributeType: 'S' })),
      KeySchema: keys('PK', 'SK'),
      GlobalSecondaryIndexes: [
        { IndexName: 'GSI1', KeySchema: keys('GSI1PK', 'GSI1SK'), Projection: { ProjectionType: 'ALL' } },
        { IndexName: 'GSI2', KeySchema: keys('GSI2PK', 'GSI2SK'), Projection: { ProjectionType: 'ALL' } },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(events.DeletionPolicy).toBe('Retain');
  });

  it('are the very schemas the local server creates (tableSchemas)', () => {
    for (const [schema, logical] of [
      [tableSchemas({ main: 'm', events: 'e' })[0], id.main],
      [tableSchemas({ main: 'm', events: 'e' })[1], id.events],
    ] as const) {
      const p = props(logical);
      expect(p.KeySchema).toEqual(schema.KeySchema);
      expect(p.AttributeDefinitions).toEqual(expect.arrayContaining(schema.AttributeDefinitions!));
      expect(p.AttributeDefinitions).toHaveLength(schema.AttributeDefinitions!.length);
      expect(p.GlobalSecondaryIndexes ?? []).toEqual(schema.GlobalSecondaryIndexes ?? []);
      expect(p.StreamSpecification?.StreamViewType).toBe(schema.StreamSpecification?.StreamViewType);
    }
  });

  it('are destroyed with the stack only when asked (removalPolicy=destroy)', () => {
    const dev = synthesize({ removalPolicy: 'destroy' });
    for (const table of Object.values(dev.findResources('AWS::DynamoDB::Table'))) expect(table.DeletionPolicy).toBe('Delete');
  });
});

describe('delivery queues', () => {
  it('standard and FIFO queues, each with a 14-day DLQ; redrive after 12 receives, above our own 8 attempts', () => {
    t.resourceCountIs('AWS::SQS::Queue', 4);
    expect(REDRIVE_MAX_RECEIVES).toBeGreaterThan(WORKER_ATTEMPTS + 2);
    const redrive = (dlq: string) => ({ deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 12 });
    expect(props(id.standard)).toEqual({
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
      VisibilityTimeout: QUEUE_VISIBILITY.toSeconds(),
      RedrivePolicy: redrive(id.standardDlq),
    });
    expect(props(id.ordered)).toEqual({
      FifoQueue: true,
      FifoThroughputLimit: 'perMessageGroupId',
      DeduplicationScope: 'messageGroup',
      ContentBasedDeduplication: false,
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
      VisibilityTimeout: QUEUE_VISIBILITY.toSeconds(),
      RedrivePolicy: redrive(id.orderedDlq),
    });
    expect(props(id.standardDlq)).toEqual({ MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true });
    expect(props(id.orderedDlq)).toEqual({ FifoQueue: true, MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true });
  });

  it('keep a message invisible longer than the consumer may run (six times its timeout)', () => {
    expect(props(id.fn.deliveries).Timeout).toBe(DELIVERIES_TIMEOUT.toSeconds());
    expect(props(id.standard).VisibilityTimeout).toBe(6 * props(id.fn.deliveries).Timeout);
  });

  it('refuse requests without TLS', () => {
    for (const q of [id.standard, id.standardDlq, id.ordered, id.orderedDlq]) {
      t.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: q }],
        PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
      });
    }
  });
});

describe('recordings bucket', () => {
  it('is encrypted, private, owner-enforced, and expires objects after 1 day by default', () => {
    t.resourceCountIs('AWS::S3::Bucket', 1);
    expect(props(id.bucket)).toEqual({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [{ Id: 'expire-recordings', Status: 'Enabled', ExpirationInDays: 1, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }],
      },
    });
  });

  it('denies every request without TLS', () => {
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id.bucket },
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: [{ 'Fn::GetAtt': [id.bucket, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id.bucket, 'Arn'] }, '/*']] }],
          },
        ],
      },
    });
  });

  it('keeps recordings as many days as context recordingsRetentionDays says', () => {
    synthesize({ recordingsRetentionDays: '3' }).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 3 })] },
    });
  });
});

describe('APIs', () => {
  const integrationOf = (route: Json): Json => {
    const target = text(route.Properties.Target); // integrations/${Id}
    return resource(t, target.replace(/^integrations\/\$\{(.+)\}$/, '$1'));
  };
  const routes = (api: string): Record<string, Json> =>
    Object.fromEntries(
      Object.values(t.findResources('AWS::ApiGatewayV2::Route'))
        .filter((r: Json) => r.Properties.ApiId.Ref === api)
        .map((r: Json) => [r.Properties.RouteKey, r]),
    );

  it('relays: a WebSocket API with $connect, $disconnect and $default, each on its own function, no API Gateway authorizer', () => {
    expect(props(id.relayApi)).toMatchObject({ ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' });
    const r = routes(id.relayApi);
    expect(Object.keys(r).sort()).toEqual(['$connect', '$default', '$disconnect']);
    const target = (key: string) => text(integrationOf(r[key]).Properties.IntegrationUri);
    expect(target('$connect')).toContain(`\${${id.fn.connect}.Arn}`);
    expect(target('$disconnect')).toContain(`\${${id.fn.disconnect}.Arn}`);
    expect(target('$default')).toContain(`\${${id.fn.message}.Arn}`);
    for (const route of Object.values(r)) {
      expect(route.Properties.AuthorizationType).toBe('NONE');
      expect(integrationOf(route).Properties.IntegrationType).toBe('AWS_PROXY');
    }
  });

  it('relays: a stage named by context stage (default prod) that deploys itself', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', { ApiId: { Ref: id.relayApi }, StageName: 'prod', AutoDeploy: true });
    synthesize({ stage: 'staging' }).hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'staging', AutoDeploy: true });
  });

  it('public: an HTTP API whose default route goes to the http function with payload format 2.0', () => {
    expect(props(id.publicApi)).toMatchObject({ ProtocolType: 'HTTP' });
    const r = routes(id.publicApi);
    expect(Object.keys(r)).toEqual(['$default']);
    const integration = integrationOf(r.$default).Properties;
    expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    expect(integration.IntegrationUri).toEqual({ 'Fn::GetAtt': [id.fn.http, 'Arn'] });
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', { ApiId: { Ref: id.publicApi }, StageName: '$default', AutoDeploy: true });
  });

  it('API Gateway may invoke exactly the four functions behind routes', () => {
    const invoked = Object.values(t.findResources('AWS::Lambda::Permission'))
      .filter((p: Json) => p.Properties.Principal === 'apigateway.amazonaws.com')
      .map((p: Json) => p.Properties.FunctionName['Fn::GetAtt'][0]);
    expect([...new Set(invoked)].sort()).toEqual([id.fn.connect, id.fn.disconnect, id.fn.http, id.fn.message].sort());
  });

  it('no custom domain unless domainName and certificateArn are both given', () => {
    t.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    expect(() => synthesize({ domainName: 'api.example.com' })).toThrow(/domainName and certificateArn/);
    const withDomain = synthesize({ domainName: 'api.example.com', certificateArn: 'arn:aws:acm:eu-central-1:111122223333:certificate/abc' });
    withDomain.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'api.example.com',
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: 'arn:aws:acm:eu-central-1:111122223333:certificate/abc', EndpointType: 'REGIONAL' })],
    });
    withDomain.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    expect(withDomain.toJSON().Outputs.ApiUrl.Value).toBe('https://api.example.com');
    expect(withDomain.toJSON().Outputs.ApiDomainTarget).toBeDefined();
  });
});

describe('functions', () => {
  const all = () => Object.values(id.fn);

  it('seven functions, all Node 20 on ARM, ESM bundles (index.mjs) with the contract\'s exports as handlers', () => {
    t.resourceCountIs(FN, 7);
    const handler = (fn: string) => props(fn).Handler;
    expect(Object.fromEntries(Object.entries(id.fn).map(([k, v]) => [k, handler(v)]))).toEqual({
      http: 'index.handler',
      connect: 'index.connect',
      disconnect: 'index.disconnect',
      message: 'index.message',
      outbox: 'index.handler',
      sweep: 'index.sweep',
      deliveries: 'index.handler',
    });
    for (const fn of all()) {
      expect(props(fn).Runtime).toBe('nodejs20.x');
      expect(props(fn).Architectures).toEqual(['arm64']);
    }
  });

  it('time out before API Gateway does (29 s), the stream and the queue within their budgets', () => {
    const timeout = (fn: string) => props(fn).Timeout;
    expect(timeout(id.fn.http)).toBe(29);
    expect(timeout(id.fn.message)).toBe(29);
    expect(timeout(id.fn.connect)).toBe(10);
    expect(timeout(id.fn.disconnect)).toBe(10);
    expect(timeout(id.fn.outbox)).toBe(60);
    expect(timeout(id.fn.sweep)).toBe(120);
    expect(timeout(id.fn.deliveries)).toBe(180);
    expect(COMMAND_TIMEOUT_MS).toBeLessThan(28_000);
  });

  it('each gets only the settings it needs', () => {
    const keysOf = (fn: string) => Object.keys(env(fn)).sort();
    const common = ['LOG_LEVEL', 'MAIN_TABLE', 'EVENTS_TABLE', 'NODE_OPTIONS'];
    const relay = [...common, 'RELAY_MANAGEMENT_ENDPOINT', 'EVENT_RETENTION_DAYS'].sort();
    expect(keysOf(id.fn.http)).toEqual(
      [...common, 'DELIVERY_QUEUE_URL', 'ORDERED_QUEUE_URL', 'RECORDINGS_BUCKET', 'RELAY_MANAGEMENT_ENDPOINT', 'COMMAND_TIMEOUT_MS', 'SECRETS_KEY', 'ADMIN_TOKEN'].sort(),
    );
    expect(keysOf(id.fn.connect)).toEqual(relay);
    expect(keysOf(id.fn.disconnect)).toEqual(relay);
    expect(keysOf(id.fn.message)).toEqual(relay);
    expect(keysOf(id.fn.outbox)).toEqual([...common, 'DELIVERY_QUEUE_URL', 'ORDERED_QUEUE_URL'].sort());
    expect(keysOf(id.fn.sweep)).toEqual(keysOf(id.fn.outbox));
    expect(keysOf(id.fn.deliveries)).toEqual([...common, 'DELIVERY_QUEUE_URL', 'DELIVERY_DLQ_URL', 'ORDERED_QUEUE_URL', 'ORDERED_DLQ_URL', 'SECRETS_KEY'].sort());
  });

  it('settings point at this stack\'s resources', () => {
    const http = env(id.fn.http);
    expect(http.MAIN_TABLE).toEqual({ Ref: id.main });
    expect(http.EVENTS_TABLE).toEqual({ Ref: id.events });
    expect(http.DELIVERY_QUEUE_URL).toEqual({ Ref: id.standard });
    expect(http.ORDERED_QUEUE_URL).toEqual({ Ref: id.ordered });
    expect(http.RECORDINGS_BUCKET).toEqual({ Ref: id.bucket });
    expect(http.COMMAND_TIMEOUT_MS).toBe('25000');
    expect(http.LOG_LEVEL).toBe('info');
    expect(http.NODE_OPTIONS).toBe('--enable-source-maps');
    const management = `https://\${${id.relayApi}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/prod`;
    for (const fn of [id.fn.http, id.fn.connect, id.fn.disconnect, id.fn.message]) expect(text(env(fn).RELAY_MANAGEMENT_ENDPOINT)).toBe(management);
    expect(env(id.fn.message).EVENT_RETENTION_DAYS).toBe('90');
    expect(synthesize({ eventRetentionDays: 30 }).findResources(FN)[id.fn.message].Properties.Environment.Variables.EVENT_RETENTION_DAYS).toBe('30');
    const d = env(id.fn.deliveries);
    expect([d.DELIVERY_DLQ_URL, d.ORDERED_DLQ_URL]).toEqual([{ Ref: id.standardDlq }, { Ref: id.orderedDlq }]);
  });

  it('secrets arrive as deploy-time references to two generated secrets, never as literals', () => {
    t.resourceCountIs('AWS::SecretsManager::Secret', 2);
    expect(props(id.secretsKey).GenerateSecretString).toEqual({ PasswordLength: 43, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: false });
    expect(props(id.adminToken).GenerateSecretString).toMatchObject({ PasswordLength: 48, ExcludePunctuation: true });
    for (const s of [id.secretsKey, id.adminToken]) expect(resource(t, s).DeletionPolicy).toBe('Retain');
    const ref = (secret: string) => `{{resolve:secretsmanager:\${${secret}}:SecretString:::}}`;
    expect(text(env(id.fn.http).SECRETS_KEY)).toBe(ref(id.secretsKey));
    expect(text(env(id.fn.http).ADMIN_TOKEN)).toBe(ref(id.adminToken));
    expect(text(env(id.fn.deliveries).SECRETS_KEY)).toBe(ref(id.secretsKey));
    // The functions read nothing from Secrets Manager themselves.
    for (const fn of all()) expect(permissions(t, fn).filter((p) => p.startsWith('secretsmanager:'))).toEqual([]);
  });

  it('log to their own group, kept a month', () => {
    t.resourceCountIs('AWS::Logs::LogGroup', 7);
    for (const fn of all()) {
      const group = props(fn).LoggingConfig.LogGroup.Ref as string;
      expect(resource(t, group).Properties.RetentionInDays).toBe(30);
    }
  });

  it('roles: assumed by Lambda only, with the basic execution policy for logs', () => {
    for (const fn of all()) {
      const role = resource(t, props(fn).Role['Fn::GetAtt'][0]).Properties;
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }]);
      expect(role.ManagedPolicyArns.map(text)).toEqual(['arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']);
    }
  });
});

describe('permissions (exact)', () => {
  const items = (table: string, withIndexes: boolean) => allow(TABLE_ITEM_ACTIONS, withIndexes ? [`\${${table}.Arn}`, `\${${table}.Arn}/index/*`] : [`\${${table}.Arn}`]);
  const mainItems = () => items(id.main, false);
  const eventItems = () => items(id.events, true);
  const manageConnections = () => allow(['execute-api:ManageConnections'], [`arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${id.relayApi}}/prod/*/@connections/*`]);
  const sendToDelivery = () => allow(['sqs:SendMessage'], [`\${${id.standard}.Arn}`, `\${${id.ordered}.Arn}`]);
  const expectExactly = (fn: string, lines: string[]) => expect(permissions(t, fn)).toEqual([...lines].sort());

  it('http: items of both tables, send to both delivery queues, put/get recordings (presigning), post to relay connections', () => {
    expectExactly(id.fn.http, [
      ...mainItems(),
      ...eventItems(),
      ...sendToDelivery(),
      ...allow(['s3:PutObject', 's3:GetObject'], [`\${${id.bucket}.Arn}/*`]),
      ...manageConnections(),
    ]);
  });

  it('relay $connect and $disconnect: the main table only', () => {
    expectExactly(id.fn.connect, mainItems());
    expectExactly(id.fn.disconnect, mainItems());
  });

  it('relay frames: main and events tables, relay connections', () => {
    expectExactly(id.fn.message, [...mainItems(), ...eventItems(), ...manageConnections()]);
  });

  it('outbox stream: the events stream (read), both tables, send to both delivery queues', () => {
    expectExactly(id.fn.outbox, [
      'dynamodb:ListStreams on *',
      ...allow(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], [`\${${id.events}.StreamArn}`]),
      ...mainItems(),
      ...eventItems(),
      ...sendToDelivery(),
    ]);
  });

  it('outbox sweep: the same without the stream', () => {
    expectExactly(id.fn.sweep, [...mainItems(), ...eventItems(), ...sendToDelivery()]);
  });

  it('deliveries: consume both delivery queues, send only to the dead-letter queues, both tables; no stream, no relays, no bucket', () => {
    const consume = ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];
    expectExactly(id.fn.deliveries, [
      ...allow(consume, [`\${${id.standard}.Arn}`, `\${${id.ordered}.Arn}`]),
      ...allow(['sqs:SendMessage'], [`\${${id.standardDlq}.Arn}`, `\${${id.orderedDlq}.Arn}`]),
      ...mainItems(),
      ...eventItems(),
    ]);
    const mine = permissions(t, id.fn.deliveries);
    expect(mine.filter((p) => /Stream|GetRecords|GetShardIterator|execute-api|s3:/.test(p))).toEqual([]);
  });

  it('only the outbox stream function can read the stream; only the API and relay frames can reach relays', () => {
    const holders = (pattern: RegExp) => Object.entries(id.fn).filter(([, fn]) => permissions(t, fn).some((p) => pattern.test(p))).map(([name]) => name).sort();
    expect(holders(/StreamArn|ListStreams|GetRecords/)).toEqual(['outbox']);
    expect(holders(/execute-api:ManageConnections/)).toEqual(['http', 'message']);
    expect(holders(/^s3:/)).toEqual(['http']);
    expect(holders(/dynamodb:Scan|dynamodb:DescribeTable/)).toEqual([]);
    // The one permission on every resource: ListStreams, which the stream poller needs and which has no resource of its own.
    expect(Object.values(id.fn).flatMap((fn) => permissions(t, fn).filter((p) => p.endsWith(' on *')))).toEqual(['dynamodb:ListStreams on *']);
  });
});

describe('event sources and schedule', () => {
  it('the events table stream feeds the outbox function: written OUTBOX# items only (no deletions), partial batch failures, bisect, bounded retries', () => {
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: id.fn.outbox },
      EventSourceArn: { 'Fn::GetAtt': [id.events, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 3600,
      ParallelizationFactor: 8,
    });
    const mapping = Object.values(t.findResources('AWS::Lambda::EventSourceMapping')).find((m: Json) => m.Properties.FunctionName.Ref === id.fn.outbox) as Json;
    expect(mapping.Properties.FilterCriteria.Filters.map((f: Json) => JSON.parse(f.Pattern))).toEqual([
      { eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { PK: { S: [{ prefix: 'OUTBOX#' }] } } } },
    ]);
  });

  it('both delivery queues feed the deliveries function, 10 messages a batch, partial batch failures, bounded concurrency', () => {
    for (const queue of [id.standard, id.ordered]) {
      t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: id.fn.deliveries },
        EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: MAX_CONCURRENCY_PER_QUEUE },
      });
    }
    t.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
  });

  it('the sweeper runs every 5 minutes', () => {
    t.resourceCountIs('AWS::Events::Rule', 1);
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id.fn.sweep, 'Arn'] } })],
    });
    t.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com', FunctionName: { 'Fn::GetAtt': [id.fn.sweep, 'Arn'] } });
  });
});

describe('alarms', () => {
  const alarms = (template: Template) => Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: Json) => a.Properties);

  it('a message in either dead-letter queue', () => {
    for (const dlq of [id.standardDlq, id.orderedDlq]) {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
        Statistic: 'Maximum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('any error of any function', () => {
    const errorAlarms = alarms(t).filter((a) => a.MetricName === 'Errors');
    expect(errorAlarms.map((a) => a.Dimensions[0].Value.Ref).sort()).toEqual(Object.values(id.fn).sort());
    for (const a of errorAlarms) expect(a).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(alarms(t)).toHaveLength(9);
  });

  it('notify nobody by default, an SNS topic mailing context alarmEmail when given', () => {
    for (const a of alarms(t)) expect(a.AlarmActions).toBeUndefined();
    t.resourceCountIs('AWS::SNS::Topic', 0);
    const mailed = synthesize({ alarmEmail: 'ops@example.com' });
    mailed.resourceCountIs('AWS::SNS::Topic', 1);
    mailed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    const topic = Object.keys(mailed.findResources('AWS::SNS::Topic'))[0];
    for (const a of alarms(mailed)) expect(a.AlarmActions).toEqual([{ Ref: topic }]);
  });
});

describe('outputs and settings', () => {
  it('ApiUrl, RelayUrl (wss://…/stage), RecordingsBucket, AdminTokenSecret', () => {
    const out = t.toJSON().Outputs;
    expect(Object.keys(out).sort()).toEqual(['AdminTokenSecret', 'ApiUrl', 'RecordingsBucket', 'RelayUrl']);
    expect(out.ApiUrl.Value).toEqual({ 'Fn::GetAtt': [id.publicApi, 'ApiEndpoint'] });
    expect(text(out.RelayUrl.Value)).toBe(`wss://\${${id.relayApi}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/prod`);
    expect(out.RecordingsBucket.Value).toEqual({ Ref: id.bucket });
    expect(out.AdminTokenSecret.Value).toEqual({ Ref: id.adminToken });
  });

  it('wrong context stops synth naming the key', () => {
    expect(() => synthesize({ eventRetentionDays: 'ninety' })).toThrow(/eventRetentionDays/);
    expect(() => synthesize({ recordingsRetentionDays: 0 })).toThrow(/recordingsRetentionDays/);
    expect(() => synthesize({ alarmEmail: 'not-an-address' })).toThrow(/alarmEmail/);
    expect(() => synthesize({ stage: 'a/b' })).toThrow(/stage/);
    expect(() => synthesize({ removalPolicy: 'sometimes' })).toThrow(/removalPolicy/);
  });
});

describe('the real CLI', () => {
  it(
    'npx cdk synth --quiet works offline, without AWS credentials, bundling every entry with its exports',
    async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_EC2_METADATA_DISABLED: 'true' };
      for (const k of Object.keys(env)) if (k.startsWith('AWS_') && k !== 'AWS_EC2_METADATA_DISABLED' && k !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED') delete env[k];
      // No shared config or credentials files either: nothing to fall back on.
      env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
      env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
      const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const child = spawn('npx', ['cdk', 'synth', '--quiet'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (d) => (output += d));
        child.stderr.on('data', (d) => (output += d));
        child.on('error', reject);
        child.on('close', (c) => resolve({ code: c, output }));
      });
      expect(code, output).toBe(0);

      const outDir = join(REPO_ROOT, 'infra', 'cdk.out');
      const file = join(outDir, 'Coocenter.template.json');
      expect(existsSync(file)).toBe(true);
      const cli = JSON.parse(readFileSync(file, 'utf8')) as { Resources: Record<string, Json> };
      // The CLI's app (dist/) and the sources tested above describe the same stack.
      const shape = (r: Record<string, Json>) => Object.entries(r).map(([k, v]) => `${k} ${v.Type}`).sort();
      expect(shape(cli.Resources)).toEqual(shape(t.toJSON().Resources));

      // Each function's code is a real esbuild bundle exporting its handler.
      for (const fn of Object.values(id.fn)) {
        const f = cli.Resources[fn];
        const asset = f.Metadata['aws:asset:path'] as string;
        const bundle = readFileSync(join(outDir, asset, 'index.mjs'), 'utf8');
        const exportName = (f.Properties.Handler as string).replace(/^index\./, '');
        expect(bundle, `${fn} exports ${exportName}`).toMatch(new RegExp(`export\\s*\\{[^}]*\\b${exportName}\\s*[,}]`));
        expect(existsSync(join(outDir, asset, 'index.mjs.map'))).toBe(true);
        // The SDK is inside, but the credential chain's unused links are left
        // to the runtime's copy (imported only without environment credentials).
        expect(bundle, `${fn} bundles the DynamoDB client`).toContain('DynamoDBClient');
        expect(bundle, `${fn} leaves the ini-file credentials to the runtime`).toMatch(/import\(\s*["']@aws-sdk\/credential-provider-ini["']\s*\)/);
        expect(bundle, `${fn} leaves the STS/SSO clients to the runtime`).not.toContain('AWSSecurityTokenServiceV20110615');
      }
    },
    180_000,
  );
});
