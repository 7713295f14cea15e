/**
 * What a deployment can vary, read from CDK context (`cdk.json` or
 * `npx cdk deploy -c key=value`). Everything has a default so that
 * `npx cdk synth` works with no context at all, offline.
 */

import type { Node } from 'constructs';

export interface Settings {
  /** Name of the WebSocket stage, last segment of the relay URL (`wss://…/<stage>`). */
  stage: string;
  /** Days raw call events stay in DynamoDB (cdr, cc_cdr and ivr are kept). */
  eventRetentionDays: number;
  /** Days an uploaded recording stays in S3: uploads only back short-lived redirects. */
  recordingsRetentionDays: number;
  /** Optional custom domain of the HTTP API, with its ACM certificate in the same region. */
  domainName?: string;
  certificateArn?: string;
  /** Where alarm notifications go (an SNS topic with one e-mail subscription). */
  alarmEmail?: string;
  /** `retain` (default) keeps tables, bucket and secrets when the stack is deleted. */
  removal: 'retain' | 'destroy';
}

export const DEFAULTS: Settings = {
  stage: 'prod',
  eventRetentionDays: 90,
  recordingsRetentionDays: 1,
  removal: 'retain',
};

/** Read and check the context; a wrong value stops synth with the key's name. */
export function readSettings(node: Node): Settings {
  const raw = (key: string): unknown => node.tryGetContext(key);
  const text = (key: string): string | undefined => {
    const v = raw(key);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw new Error(`context ${key}: must be a string (got ${JSON.stringify(v)})`);
    return v.trim();
  };
  const days = (key: string, fallback: number): number => {
    const v = raw(key);
    if (v === undefined || v === null || v === '') return fallback;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 3650) throw new Error(`context ${key}: must be a whole number of days from 1 to 3650 (got ${JSON.stringify(v)})`);
    return n;
  };

  const stage = text('stage') ?? DEFAULTS.stage;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(stage)) throw new Error(`context stage: letters, digits, - and _ only (got ${JSON.stringify(stage)})`);
  const domainName = text('domainName');
  const certificateArn = text('certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new Error('context domainName and certificateArn: give both or neither');
  }
  if (certificateArn !== undefined && !certificateArn.startsWith('arn:')) throw new Error(`context certificateArn: must be an ACM certificate ARN (got ${JSON.stringify(certificateArn)})`);
  const alarmEmail = text('alarmEmail');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+$/.test(alarmEmail)) throw new Error(`context alarmEmail: not an e-mail address (got ${JSON.stringify(alarmEmail)})`);
  const removal = text('removalPolicy') ?? DEFAULTS.removal;
  if (removal !== 'retain' && removal !== 'destroy') throw new Error(`context removalPolicy: retain or destroy (got ${JSON.stringify(removal)})`);

  return {
    stage,
    eventRetentionDays: days('eventRetentionDays', DEFAULTS.eventRetentionDays),
    recordingsRetentionDays: days('recordingsRetentionDays', DEFAULTS.recordingsRetentionDays),
    domainName,
    certificateArn,
    alarmEmail,
    removal,
  };
}
