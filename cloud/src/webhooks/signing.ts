/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): each POST
 * carries `webhook-id` (the event id, stable across retries),
 * `webhook-timestamp` (seconds) and `webhook-signature`:
 * `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, the key being the
 * base64 part of the endpoint's `whsec_…` secret. During a secret rotation the
 * header carries one signature per valid secret, separated by spaces.
 */

import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  return PREFIX + randomBytes(24).toString('base64');
}

function keyOf(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) throw new Error('webhook secret must start with whsec_');
  return Buffer.from(secret.slice(PREFIX.length), 'base64');
}

export function signature(secret: string, id: string, timestampSec: number, body: string): string {
  return 'v1,' + createHmac('sha256', keyOf(secret)).update(`${id}.${timestampSec}.${body}`).digest('base64');
}

/** The three Standard Webhooks headers for one attempt. */
export function signedHeaders(secrets: string[], id: string, timestampSec: number, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSec),
    'webhook-signature': secrets.map((s) => signature(s, id, timestampSec, body)).join(' '),
  };
}
