/**
 * Serialises an AMI action. Pure: a value that could smuggle a second header
 * or a second action (CR, LF) or truncate one (NUL) is refused here, before a
 * single byte reaches the socket.
 */

import { codecError } from './errors.js';

/** Header values; an array repeats the header (`Variable: a=1`, `Variable: b=2`). */
export type ActionFields = Record<string, string | number | boolean | undefined | null | readonly string[]>;

const UNSAFE = /[\r\n\0]/;
const BAD_KEY = /[\r\n\0:]/;

export function assertSafe(key: string, value: string, action: string): void {
  if (BAD_KEY.test(key) || key.length === 0) {
    throw codecError('AMI_UNSAFE_VALUE', `AMI header name ${JSON.stringify(key)} is not allowed`, { action });
  }
  if (UNSAFE.test(value)) {
    throw codecError('AMI_UNSAFE_VALUE', `AMI header ${key} contains CR, LF or NUL; refused`, { action });
  }
}

function text(value: string | number | boolean): string {
  return typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
}

/** `Action: <name>` + `ActionID` + fields, each line CRLF, ended by an empty line. */
export function encodeAction(action: string, actionId: string | undefined, fields: ActionFields = {}): string {
  assertSafe('Action', action, action);
  let out = `Action: ${action}\r\n`;
  if (actionId !== undefined) {
    assertSafe('ActionID', actionId, action);
    out += `ActionID: ${actionId}\r\n`;
  }
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const v of value as readonly string[]) {
        assertSafe(key, v, action);
        out += `${key}: ${v}\r\n`;
      }
    } else {
      const v = text(value as string | number | boolean);
      assertSafe(key, v, action);
      out += `${key}: ${v}\r\n`;
    }
  }
  return out + '\r\n';
}
