/**
 * Encoding and decoding tunnel frames: size-checked on the way out, validated
 * on the way in. One error type, saying what was wrong with which frame.
 */

import * as v from 'valibot';
import { CloudFrameSchema, MAX_FRAME_BYTES, RelayFrameSchema, type CloudFrame, type RelayFrame } from './frames.js';

export class FrameError extends Error {
  constructor(
    readonly code: 'FRAME_TOO_LARGE' | 'FRAME_MALFORMED' | 'FRAME_INVALID',
    message: string,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

export function encodeFrame(frame: RelayFrame | CloudFrame): string {
  const text = JSON.stringify(frame);
  const size = Buffer.byteLength(text);
  if (size > MAX_FRAME_BYTES) throw new FrameError('FRAME_TOO_LARGE', `${frame.t} frame of ${size} bytes exceeds ${MAX_FRAME_BYTES}`);
  return text;
}

function decode<T>(schema: v.GenericSchema<unknown, T>, data: string | Buffer, side: string): T {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  if (Buffer.byteLength(text) > MAX_FRAME_BYTES) throw new FrameError('FRAME_TOO_LARGE', `${side} frame exceeds ${MAX_FRAME_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new FrameError('FRAME_MALFORMED', `${side} frame is not JSON`);
  }
  const r = v.safeParse(schema, json);
  if (!r.success) {
    const issue = r.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    const type = (json as { t?: unknown })?.t;
    throw new FrameError('FRAME_INVALID', `invalid ${side} frame ${JSON.stringify(type)}${path ? ` at ${path}` : ''}: ${issue.message}`);
  }
  return r.output;
}

/** A frame sent by a relay, as the cloud receives it. */
export function decodeRelayFrame(data: string | Buffer): RelayFrame {
  return decode(RelayFrameSchema, data, 'relay');
}

/** A frame sent by the cloud, as the relay receives it. */
export function decodeCloudFrame(data: string | Buffer): CloudFrame {
  return decode(CloudFrameSchema, data, 'cloud');
}

/** Split a text into pieces that each fit a frame once wrapped (JSON-escaping may grow them). */
export function splitForFrames(text: string, budget = MAX_FRAME_BYTES - 1024): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < text.length) {
    let len = Math.min(budget, text.length - i);
    // Escaping can double a character's size; shrink until the JSON form fits.
    while (Buffer.byteLength(JSON.stringify(text.slice(i, i + len))) > budget) len = Math.floor(len * 0.75);
    parts.push(text.slice(i, i + len));
    i += len;
  }
  return parts.length > 0 ? parts : [''];
}
