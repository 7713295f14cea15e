/**
 * The box's request authentication: `Authorization: md5hex(WEBKEY + "YYYY-MM-DD")`
 * with today's date. Pure functions; the clock and time zone are parameters.
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { dateText, zonedFields } from '../zoned-time.js';

/** `YYYY-MM-DD` of an instant in an IANA time zone (undefined: the host's). */
export function calendarDate(epochMs: number, timeZone?: string): string {
  return dateText(zonedFields(epochMs, timeZone));
}

export function webkeyToken(webkey: string, date: string): string {
  return createHash('md5').update(webkey + date).digest('hex');
}

/** Constant-time string comparison (lengths are not secret: both are md5 hex). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    // Compare anyway so the time spent does not depend on where they differ.
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/**
 * True when `header` is today's token for `webkey`. Only today's date counts:
 * yesterday's token is refused, so a leaked header is useful for one day.
 */
export function checkWebkey(header: string | undefined, webkey: string, nowMs: number, timeZone?: string): boolean {
  if (!header) return false;
  const presented = header.trim().toLowerCase();
  return safeEqual(presented, webkeyToken(webkey, calendarDate(nowMs, timeZone)));
}

export interface WebkeyAuthOptions {
  /** The WEBKEY in force; undefined or '' turns authentication off (the box's rule). */
  webkey: string | undefined;
  now?: () => number;
  timeZone?: string;
}

/** Hono middleware: the box's `Authorization: md5(WEBKEY + date)` check. */
export function webkeyAuth(options: WebkeyAuthOptions): MiddlewareHandler {
  const now = options.now ?? Date.now;
  return async (c, next) => {
    const key = options.webkey;
    if (key && !checkWebkey(c.req.header('authorization'), key, now(), options.timeZone)) {
      return c.json({ status: 'error', message: 'invalid or missing Authorization' }, 401);
    }
    await next();
  };
}
