/**
 * The time of an AMI message, and how times are written in box events.
 * A message's time is its `Timestamp:` header when Asterisk sends one
 * (timestampevents=yes), else the moment the relay decoded it; every
 * clock-derived value is a difference of these times (docs/event-mapping.md).
 */

import { dateTimeText, zonedFields } from '../../../protocol/src/zoned-time.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';

export interface MessageTime {
  /** Seconds since the epoch, fractional. */
  sec: number;
  /** `seconds.microseconds` as pushed in `timestamp`. */
  stamp: string;
}

const STAMP = /^\d{1,12}(\.\d{1,9})?$/;

export function messageTime(msg: AmiMessage, receivedAtMs: number): MessageTime {
  const ts = msg.get('Timestamp');
  if (ts !== undefined && STAMP.test(ts)) {
    return { sec: Number(ts), stamp: ts.includes('.') ? ts : `${ts}.000000` };
  }
  return fromMs(receivedAtMs);
}

export function fromMs(ms: number): MessageTime {
  return { sec: ms / 1000, stamp: (ms / 1000).toFixed(6) };
}

/** Whole seconds between two times, never negative. */
export function seconds(from: number, to: number): number {
  return Math.max(0, Math.round(to - from));
}

/** `YYYY-MM-DD HH:MM:SS` in the PBX's time zone (undefined: the host's). */
export function wallClock(sec: number, timeZone?: string): string {
  return dateTimeText(zonedFields(Math.floor(sec) * 1000, timeZone));
}
