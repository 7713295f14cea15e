/**
 * The AWS stack's functions, pinned: runtime, handlers, timeouts, each
 * function's settings (read from the code's own table of what each role
 * needs, lambda/config.ts) and exact permissions; then the real CLI, once,
 * offline. One in-process synthesis (no bundling) is shared by the assertions.
 */

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ONLY_ENV, OPTIONAL_ENV, REQUIRED_ENV, type LambdaRole } from '../../cloud/src/lambda/config.js';
import { TABLE_ITEM_ACTIONS, TABLE_READ_ACTIONS } from '../../infra/lib/grants.js';
import { COMMAND_TIMEOUT_MS } from '../../infra/lib/http-api.js';
import { OPENAPI_DOCUMENT, REPO_ROOT, SWAGGER_UI } from '../../infra/lib/paths.js';
import { SWAGGER_UI_FILES } from '../../cloud/src/openapi/reference.js';
import { allow, FN, permissions, resource, synthesize, synthesized, text, type Json, type StackIds } from './template.js';

let t: Template;
let id: StackIds;

beforeAll(() => {
  ({ t, id } = synthesized());
});

const props = (logical: string): Json => resource(t, logical).Properties;
const env = (fn: string): Record<string, Json> => props(fn).Environment.Variables;

/** The code's role of each function of the stack (the sweeper shares the outbox's module and settings). */
const ROLE_OF: Record<'http' | 'connect' | 'disconnect' | 'message' | 'streamConnect' | 'streamDisconnect' | 'streamResume' | 'outbox' | 'deliveries', LambdaRole> = {
  http: 'http',
  connect: 'relaySocket',
  disconnect: 'relaySocket',
  message: 'relaySocket',
  streamConnect: 'streamSocket',
  streamDisconnect: 'streamSocket',
  streamResume: 'streamSocket',
  outbox: 'outbox',
  deliveries: 'deliveries',
};

describe('functions', () => {
  const all = () => Object.values(id.fn);

  it('ten functions, all Node 20 on ARM, ESM bundles (index.mjs) with the contract\'s exports as handlers', () => {
    t.resourceCountIs(FN, 10);
    const handler = (fn: string) => props(fn).Handler;
    expect(Object.fromEntries(Object.entries(id.fn).map(([k, v]) => [k, handler(v)]))).toEqual({
      http: 'index.handler',
      connect: 'index.connect',
      disconnect: 'index.disconnect',
      message: 'index.message',
      streamConnect: 'index.connect',
      streamDisconnect: 'index.disconnect',
      streamResume: 'index.resume',
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
    expect(timeout(id.fn.streamConnect)).toBe(10);
    expect(timeout(id.fn.streamDisconnect)).toBe(10);
    // A replay may post a day of a busy site's events.
    expect(timeout(id.fn.streamResume)).toBe(300);
    expect(timeout(id.fn.outbox)).toBe(60);
    expect(timeout(id.fn.sweep)).toBe(120);
    expect(timeout(id.fn.deliveries)).toBe(180);
    expect(COMMAND_TIMEOUT_MS).toBeLessThan(28_000);
  });

  it('each gets only the settings it needs: what its code requires, and the optional ones it reads (lambda/config.ts)', () => {
    const keysOf = (fn: string) => Object.keys(env(fn)).sort();
    // Node's own option (source maps) aside, a function gets what its role's tables name, no more.
    const expected = (role: LambdaRole) => [...REQUIRED_ENV[role], ...OPTIONAL_ENV[role], 'NODE_OPTIONS'].sort();
    // The stream's three functions share a module but not its optional settings: $connect names the
    // resume function, the resume its management endpoint (a function cannot name itself: a cycle).
    const only = (role: LambdaRole, leave: string[]) => expected(role).filter((k) => !leave.includes(k));
    const streamOnly: Partial<Record<keyof typeof ROLE_OF, string[]>> = {
      streamConnect: only('streamSocket', ['STREAM_MANAGEMENT_ENDPOINT']),
      streamDisconnect: only('streamSocket', ['STREAM_MANAGEMENT_ENDPOINT', 'STREAM_RESUME_FUNCTION']),
      streamResume: only('streamSocket', ['STREAM_RESUME_FUNCTION']),
    };
    for (const [fn, role] of Object.entries(ROLE_OF)) expect(keysOf(id.fn[fn as keyof typeof ROLE_OF]), fn).toEqual(streamOnly[fn as keyof typeof ROLE_OF] ?? expected(role));
    expect(keysOf(id.fn.sweep)).toEqual(keysOf(id.fn.outbox));
    // The settings of local and test runs never reach a deployment.
    for (const fn of Object.values(id.fn)) expect(keysOf(fn).filter((k) => (LOCAL_ONLY_ENV as readonly string[]).includes(k))).toEqual([]);
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
    // The outbox (stream and sweep) posts to the stream API's connections, not the relays'.
    const streamManagement = `https://\${${id.streamApi}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/prod`;
    // So do the resume and the relay functions (live state changes).
    for (const fn of [id.fn.outbox, id.fn.sweep, id.fn.streamResume, id.fn.connect, id.fn.disconnect, id.fn.message]) expect(text(env(fn).STREAM_MANAGEMENT_ENDPOINT)).toBe(streamManagement);
    // Stream tickets name the stream's own API (the console on the HTTP API's origin opens it there).
    expect(text(http.STREAM_URL)).toBe(`wss://\${${id.streamApi}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/prod`);
    expect(env(id.fn.streamConnect).STREAM_RESUME_FUNCTION).toEqual({ Ref: id.fn.streamResume });
    for (const fn of [id.fn.streamConnect, id.fn.streamDisconnect, id.fn.streamResume]) expect([env(fn).MAIN_TABLE, env(fn).EVENTS_TABLE]).toEqual([{ Ref: id.main }, { Ref: id.events }]);
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
    t.resourceCountIs('AWS::Logs::LogGroup', 10);
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
  const connectionsOf = (api: string) => allow(['execute-api:ManageConnections'], [`arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${api}}/prod/*/@connections/*`]);
  const manageConnections = () => connectionsOf(id.relayApi);
  const postToStreams = () => connectionsOf(id.streamApi);
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

  it('relay $connect: the main table only; $disconnect also posts to stream connections (the state goes offline)', () => {
    expectExactly(id.fn.connect, mainItems());
    expectExactly(id.fn.disconnect, [...mainItems(), ...postToStreams()]);
  });

  it('relay frames: main and events tables, relay connections, stream connections (live state changes)', () => {
    expectExactly(id.fn.message, [...mainItems(), ...eventItems(), ...manageConnections(), ...postToStreams()]);
  });

  const eventReads = () => allow(TABLE_READ_ACTIONS, [`\${${id.events}.Arn}`, `\${${id.events}.Arn}/index/*`]);

  it('stream $connect: the main table (tickets, keys, subscriptions), events read only (whether `after` is in the window), invoke the resume function only', () => {
    const invokeResume = allow(['lambda:InvokeFunction'], [`\${${id.fn.streamResume}.Arn}`, `\${${id.fn.streamResume}.Arn}:*`]);
    expectExactly(id.fn.streamConnect, [...mainItems(), ...eventReads(), ...invokeResume]);
    expect(TABLE_READ_ACTIONS.every((a) => (TABLE_ITEM_ACTIONS as readonly string[]).includes(a))).toBe(true);
  });

  it('stream $disconnect: the main table only (its subscription)', () => {
    expectExactly(id.fn.streamDisconnect, mainItems());
  });

  it('stream resume: the main table (subscriptions, live state, sites), events read only (the replay), stream connections', () => {
    expectExactly(id.fn.streamResume, [...mainItems(), ...eventReads(), ...postToStreams()]);
    // Not retried by Lambda: a second run would post again what the first posted.
    const configs = Object.values(t.findResources('AWS::Lambda::EventInvokeConfig')).map((r: Json) => r.Properties);
    expect(configs).toEqual([expect.objectContaining({ FunctionName: { Ref: id.fn.streamResume }, MaximumRetryAttempts: 0 })]);
  });

  it('outbox stream: the events stream (read), both tables, send to both delivery queues, post to stream connections', () => {
    expectExactly(id.fn.outbox, [
      'dynamodb:ListStreams on *',
      ...allow(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], [`\${${id.events}.StreamArn}`]),
      ...mainItems(),
      ...eventItems(),
      ...sendToDelivery(),
      ...postToStreams(),
    ]);
  });

  it('outbox sweep: the same without the table stream', () => {
    expectExactly(id.fn.sweep, [...mainItems(), ...eventItems(), ...sendToDelivery(), ...postToStreams()]);
  });

  it('deliveries: consume both delivery queues, send to them (replay steps) and their dead-letter queues, both tables; no stream, no relays, no bucket', () => {
    const consume = ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];
    expectExactly(id.fn.deliveries, [
      ...allow(consume, [`\${${id.standard}.Arn}`, `\${${id.ordered}.Arn}`]),
      // Dead letters, and a replay job's steps: its events and the next step.
      ...allow(['sqs:SendMessage'], [`\${${id.standard}.Arn}`, `\${${id.ordered}.Arn}`, `\${${id.standardDlq}.Arn}`, `\${${id.orderedDlq}.Arn}`]),
      ...mainItems(),
      ...eventItems(),
    ]);
    const mine = permissions(t, id.fn.deliveries);
    expect(mine.filter((p) => /Stream|GetRecords|GetShardIterator|execute-api|s3:/.test(p))).toEqual([]);
  });

  it('only the outbox stream function can read the stream; only the API and relay frames can reach relays; only the outbox, the resume and the relay functions that apply live state post to stream clients; only $connect invokes a function', () => {
    const holders = (pattern: RegExp) => Object.entries(id.fn).filter(([, fn]) => permissions(t, fn).some((p) => pattern.test(p))).map(([name]) => name).sort();
    expect(holders(/StreamArn|ListStreams|GetRecords/)).toEqual(['outbox']);
    expect(holders(new RegExp(`execute-api:ManageConnections on .*\\$\\{${id.relayApi}\\}`))).toEqual(['http', 'message']);
    expect(holders(new RegExp(`execute-api:ManageConnections on .*\\$\\{${id.streamApi}\\}`))).toEqual(['disconnect', 'message', 'outbox', 'streamResume', 'sweep']);
    expect(holders(/^lambda:/)).toEqual(['streamConnect']);
    expect(holders(/^s3:/)).toEqual(['http']);
    expect(holders(/dynamodb:Scan|dynamodb:DescribeTable/)).toEqual([]);
    // The one permission on every resource: ListStreams, which the stream poller needs and which has no resource of its own.
    expect(Object.values(id.fn).flatMap((fn) => permissions(t, fn).filter((p) => p.endsWith(' on *')))).toEqual(['dynamodb:ListStreams on *']);
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

      // The HTTP function carries the web console beside its bundle (read from disk per request), and only it does.
      const codeDir = (fn: string) => join(outDir, cli.Resources[fn].Metadata['aws:asset:path'] as string);
      const page = readFileSync(join(codeDir(id.fn.http), 'console', 'index.html'), 'utf8');
      const assets = [...page.matchAll(/\/console\/(assets\/[^"]+)"/g)].map((m) => m[1]);
      expect(assets.length).toBeGreaterThanOrEqual(2);
      for (const asset of assets) expect(readFileSync(join(codeDir(id.fn.http), 'console', asset))).toEqual(readFileSync(join(REPO_ROOT, 'dist', 'console', asset)));
      expect(readFileSync(join(codeDir(id.fn.http), 'index.mjs'), 'utf8'), 'the console is not compiled into the bundle').not.toContain('coocenter console');
      for (const fn of Object.values(id.fn).filter((f) => f !== id.fn.http)) expect(existsSync(join(codeDir(fn), 'console')), fn).toBe(false);

      // The HTTP function carries Swagger UI's files (/docs) beside its bundle, read from disk when asked for; its bundle stays smaller than Swagger UI alone.
      expect(SWAGGER_UI.files).toEqual(expect.arrayContaining(Object.keys(SWAGGER_UI_FILES)));
      const httpCode = join(outDir, cli.Resources[id.fn.http].Metadata['aws:asset:path'] as string);
      for (const f of SWAGGER_UI.files) expect(readFileSync(join(httpCode, SWAGGER_UI.to, f)).equals(readFileSync(join(REPO_ROOT, SWAGGER_UI.from, f))), f).toBe(true);
      // And the document npm run build generated, which it serves instead of generating it (the generator is not in its bundle).
      expect(readFileSync(join(httpCode, OPENAPI_DOCUMENT.to, 'openapi.json'), 'utf8')).toBe(readFileSync(join(REPO_ROOT, OPENAPI_DOCUMENT.from, 'openapi.json'), 'utf8'));
      expect(readFileSync(join(httpCode, 'index.mjs'), 'utf8'), 'the JSON Schema converter stays out of the bundle').not.toContain('draft-2020-12');
      expect(statSync(join(httpCode, 'index.mjs')).size).toBeLessThan(statSync(join(REPO_ROOT, SWAGGER_UI.from, 'swagger-ui-bundle.js')).size);
    },
    180_000,
  );
});
