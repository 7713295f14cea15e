/**
 * Reading a synthesized CloudFormation template in tests: find resources by
 * the construct path CDK derives their logical ids from, and flatten IAM
 * policies into "action on resource" lines so that a function's permissions
 * can be compared exactly.
 */

import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readSettings } from '../../infra/lib/settings.js';
import { ConnectorStack } from '../../infra/lib/stack.js';

export type Json = any;

/**
 * The stack synthesized in-process from the TypeScript sources, without
 * esbuild (`aws:cdk:bundling-stacks: []`): properties, permissions and wiring
 * are the same, only the code assets are left unbuilt. The real bundles are
 * built once, by the CLI test.
 */
export function synthesize(context: Record<string, unknown> = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new ConnectorStack(app, 'Coocenter', { settings: readSettings(app.node) });
  return Template.fromStack(stack);
}

export const FN = 'AWS::Lambda::Function';

/** The logical ids of the stack's resources the tests look at. */
export interface StackIds {
  fn: Record<'http' | 'connect' | 'disconnect' | 'message' | 'streamConnect' | 'streamDisconnect' | 'streamResume' | 'outbox' | 'sweep' | 'deliveries', string>;
  main: string;
  events: string;
  standard: string;
  standardDlq: string;
  ordered: string;
  orderedDlq: string;
  bucket: string;
  relayApi: string;
  streamApi: string;
  publicApi: string;
  secretsKey: string;
  adminToken: string;
}

/** The stack synthesized, with the ids the tests look at (once per test file: synthesis takes seconds). */
export function synthesized(): { t: Template; id: StackIds } {
  const t = synthesize();
  return { t, id: stackIds(t) };
}

export function stackIds(t: Template): StackIds {
  return {
    fn: {
      http: logicalId(t, FN, 'PublicHandler'),
      connect: logicalId(t, FN, 'RelayConnect'),
      disconnect: logicalId(t, FN, 'RelayDisconnect'),
      message: logicalId(t, FN, 'RelayMessage'),
      streamConnect: logicalId(t, FN, 'StreamConnect'),
      streamDisconnect: logicalId(t, FN, 'StreamDisconnect'),
      streamResume: logicalId(t, FN, 'StreamResume'),
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
    streamApi: logicalId(t, 'AWS::ApiGatewayV2::Api', 'StreamApi'),
    publicApi: logicalId(t, 'AWS::ApiGatewayV2::Api', 'PublicApi'),
    secretsKey: logicalId(t, 'AWS::SecretsManager::Secret', 'SecretsSecretsKey'),
    adminToken: logicalId(t, 'AWS::SecretsManager::Secret', 'SecretsAdminToken'),
  };
}

/** The one logical id made from this construct path (`PublicHandler` → `PublicHandlerB582BCF8`). */
export function logicalId(t: Template, type: string, path: string): string {
  const ids = Object.keys(t.findResources(type)).filter((id) => new RegExp(`^${path}[0-9A-F]{8}$`).test(id));
  if (ids.length !== 1) throw new Error(`expected one ${type} at ${path}, found ${JSON.stringify(ids)}`);
  return ids[0];
}

export function resource(t: Template, id: string): Json {
  const r = t.toJSON().Resources[id];
  if (!r) throw new Error(`no resource ${id}`);
  return r;
}

/** CloudFormation intrinsics as readable text: `Ref X` → `X`, `GetAtt X.Arn` → `X.Arn`, `Join` → concatenation. */
export function text(v: Json): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    if ('Ref' in v) return `\${${v.Ref}}`;
    if ('Fn::GetAtt' in v) return `\${${v['Fn::GetAtt'][0]}.${v['Fn::GetAtt'][1]}}`;
    if ('Fn::Join' in v) return (v['Fn::Join'][1] as Json[]).map(text).join(v['Fn::Join'][0]);
  }
  throw new Error(`cannot render ${JSON.stringify(v)}`);
}

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/**
 * Every permission a function's role holds through its inline policies, as
 * sorted "action on resource" lines (the managed basic-execution policy, for
 * its logs, is checked apart).
 */
export function permissions(t: Template, functionId: string): string[] {
  const role = resource(t, functionId).Properties.Role['Fn::GetAtt'][0] as string;
  const policies = Object.values(t.findResources('AWS::IAM::Policy')).filter((p: Json) => (p.Properties.Roles as Json[]).some((r) => r.Ref === role));
  const lines: string[] = [];
  for (const p of policies as Json[]) {
    for (const s of p.Properties.PolicyDocument.Statement as Json[]) {
      if (s.Effect !== 'Allow') throw new Error(`unexpected ${s.Effect} statement in ${role}'s policy`);
      for (const a of list<string>(s.Action)) for (const r of list<Json>(s.Resource)) lines.push(`${a} on ${text(r)}`);
    }
  }
  return lines.sort();
}

/** The lines `permissions()` yields for these actions on these resources. */
export function allow(actions: readonly string[], resources: string[]): string[] {
  return actions.flatMap((a) => resources.map((r) => `${a} on ${r}`));
}
