/**
 * A DynamoDB Streams image (attribute values in DynamoDB's JSON) as a plain
 * object. Small on purpose: the outbox items it reads hold strings, numbers
 * and lists, and the SDK's full unmarshaller is not a dependency of ours.
 */

import type { AttributeValue } from 'aws-lambda';

export function fromAttribute(v: AttributeValue): unknown {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL !== undefined) return null;
  if (v.L !== undefined) return v.L.map(fromAttribute);
  if (v.M !== undefined) return unmarshallImage(v.M);
  if (v.SS !== undefined) return new Set(v.SS);
  if (v.NS !== undefined) return new Set(v.NS.map(Number));
  if (v.B !== undefined) return Buffer.from(v.B, 'base64');
  if (v.BS !== undefined) return new Set(v.BS.map((b) => Buffer.from(b, 'base64')));
  return undefined;
}

export function unmarshallImage(image: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(image)) out[k] = fromAttribute(v);
  return out;
}
