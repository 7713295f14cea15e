/**
 * The AWS stack, pinned resource by resource: tables, queues, bucket, both
 * APIs, event sources, schedule, alarms and outputs (the functions, their
 * settings and permissions, and the real CLI: functions.test.ts). One
 * in-process synthesis (no bundling) is shared by the assertions.
 */

import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTAGE_TIMING } from '../../cloud/src/outages/policy.js';
import { tableSchemas } from '../../cloud/src/store/tables.js';
import { DELIVERIES_TIMEOUT, MAX_CONCURRENCY_PER_QUEUE, QUEUE_VISIBILITY } from '../../infra/lib/deliveries.js';
import { SWEEP_EVERY } from '../../infra/lib/outbox.js';
import { REDRIVE_MAX_RECEIVES, WORKER_ATTEMPTS } from '../../infra/lib/queues.js';
import { resource, synthesize, synthesized, text, type Json, type StackIds } from './template.js';

let t: Template;
let id: StackIds;

beforeAll(() => {
  ({ t, id } = synthesized());
});

const props = (logical: string): Json => resource(t, logical).Properties;

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
  it('is encrypted, private, owner-enforced, readable cross-origin only through presigned URLs (the console), and expires objects after 1 day by default', () => {
    t.resourceCountIs('AWS::S3::Bucket', 1);
    expect(props(id.bucket)).toEqual({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      CorsConfiguration: {
        CorsRules: [{ AllowedMethods: ['GET', 'HEAD'], AllowedOrigins: ['*'], AllowedHeaders: ['Range'], ExposedHeaders: ['Content-Length', 'Content-Range', 'Accept-Ranges', 'ETag'], MaxAge: 3600 }],
      },
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

  it('stream: a second WebSocket API with $connect and $disconnect only (clients send nothing it acts on), each on its own function, no API Gateway authorizer', () => {
    expect(props(id.streamApi)).toMatchObject({ ProtocolType: 'WEBSOCKET' });
    expect(id.streamApi).not.toBe(id.relayApi);
    const r = routes(id.streamApi);
    expect(Object.keys(r).sort()).toEqual(['$connect', '$disconnect']);
    expect(text(integrationOf(r.$connect).Properties.IntegrationUri)).toContain(`\${${id.fn.streamConnect}.Arn}`);
    expect(text(integrationOf(r.$disconnect).Properties.IntegrationUri)).toContain(`\${${id.fn.streamDisconnect}.Arn}`);
    for (const route of Object.values(r)) {
      expect(route.Properties.AuthorizationType).toBe('NONE');
      expect(integrationOf(route).Properties.IntegrationType).toBe('AWS_PROXY');
    }
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', { ApiId: { Ref: id.streamApi }, StageName: 'prod', AutoDeploy: true });
    synthesize({ stage: 'staging' }).resourcePropertiesCountIs('AWS::ApiGatewayV2::Stage', { StageName: 'staging' }, 2);
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

  it('API Gateway may invoke exactly the six functions behind routes', () => {
    const invoked = Object.values(t.findResources('AWS::Lambda::Permission'))
      .filter((p: Json) => p.Properties.Principal === 'apigateway.amazonaws.com')
      .map((p: Json) => p.Properties.FunctionName['Fn::GetAtt'][0]);
    expect([...new Set(invoked)].sort()).toEqual([id.fn.connect, id.fn.disconnect, id.fn.http, id.fn.message, id.fn.streamConnect, id.fn.streamDisconnect].sort());
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

  it('the sweeper runs every minute: a relay vanished without $disconnect is announced offline within 2 minutes', () => {
    // Silent for silentMs after its last ping, then found at the next sweep.
    expect(OUTAGE_TIMING.silentMs + SWEEP_EVERY.toMilliseconds()).toBeLessThanOrEqual(120_000);
    t.resourceCountIs('AWS::Events::Rule', 1);
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
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
    expect(alarms(t)).toHaveLength(12);
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
  it('ApiUrl, RelayUrl and StreamUrl (wss://…/stage), RecordingsBucket, AdminTokenSecret', () => {
    const out = t.toJSON().Outputs;
    expect(Object.keys(out).sort()).toEqual(['AdminTokenSecret', 'ApiUrl', 'RecordingsBucket', 'RelayUrl', 'StreamUrl']);
    expect(text(out.StreamUrl.Value)).toBe(`wss://\${${id.streamApi}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/prod`);
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
