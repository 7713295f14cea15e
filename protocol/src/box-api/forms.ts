/**
 * Reading and checking the form fields of box API requests.
 *
 * Integrations post `application/x-www-form-urlencoded` (the box's format); we
 * also take multipart and JSON objects so a misconfigured client still works.
 * Every field is checked against a strict pattern here, at the HTTP edge, so
 * nothing with CR, LF or NUL (or any other character an extension, queue or
 * phone number never has) gets near an AMI action.
 */

import type { Context } from 'hono';
import { BodyTooLargeError, readBody } from '../http/body.js';
import { COMMAND_FIELDS, type BoxCommandName, type ShapedFields } from './commands.js';
import { boxError } from './errors.js';
import { checkShape, type FieldKind } from './fields.js';

export type Form = Record<string, string>;

/** Largest form body we read, in any content type: a few short fields. */
export const MAX_FORM_BYTES = 16 * 1024;

export async function readForm(c: Context): Promise<Form> {
  const form: Form = {};
  // Query string first, body overrides: DELETE clients often cannot send a body.
  for (const [k, v] of new URL(c.req.url).searchParams) form[k] = v;
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return form;
  const header = c.req.header('content-type') ?? '';
  const type = header.split(';')[0].trim().toLowerCase();
  if (type !== '' && type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data' && type !== 'application/json') {
    throw boxError(415, `unsupported content type ${type}; send application/x-www-form-urlencoded`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readBody(c.req.raw, MAX_FORM_BYTES);
  } catch (err) {
    throw err instanceof BodyTooLargeError ? boxError(413, err.message) : err;
  }
  if (type === 'multipart/form-data') {
    let body: FormData;
    try {
      body = await new Response(bytes, { headers: { 'content-type': header } }).formData();
    } catch {
      throw boxError(400, 'malformed multipart form body');
    }
    for (const [k, v] of body) if (typeof v === 'string') form[k] = v;
    return form;
  }
  const text = new TextDecoder().decode(bytes);
  if (type === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw boxError(400, 'malformed JSON body');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw boxError(400, 'JSON body must be an object of fields');
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string' || typeof v === 'number') form[k] = String(v);
    return form;
  }
  Object.assign(form, parseUrlEncoded(text));
  return form;
}

/** Strict urlencoded parsing: a broken percent-escape is an error, not a silent pass-through. */
export function parseUrlEncoded(text: string): Form {
  const form: Form = {};
  if (text.trim() === '') return form;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    try {
      form[decodeURIComponent(rawKey.replace(/\+/g, ' '))] = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      throw boxError(400, `malformed form field ${JSON.stringify(rawKey.slice(0, 40))}`);
    }
  }
  return form;
}

/** A field of the form, checked against the shape of its kind (fields.ts); trimmed. */
export function field(form: Form, name: string, kind: FieldKind): string {
  const value = form[name];
  if (value === undefined || value.trim() === '') throw boxError(400, `missing field ${name}`);
  // Control characters are refused, not trimmed away: they are never innocent here.
  if (/[\x00-\x1f\x7f]/.test(value)) throw boxError(400, `invalid ${name}: control characters (CR, LF, NUL, ...) are not allowed`);
  const v = value.trim();
  const shape = checkShape(kind, v);
  if (!shape.ok) throw boxError(400, `invalid ${name}: ${shape.reason}`);
  return v;
}

/** Every shaped field of a command, read from the form (routes.ts): `{src, dst}` of clickToCall. */
export function commandFields(form: Form, command: BoxCommandName): Form {
  const out: Form = {};
  for (const [name, kind] of COMMAND_FIELDS[command]) out[name] = field(form, name, kind);
  return out;
}

/** `state` of agent-pause: on = pause, off = unpause. */
export function pauseState(form: Form): boolean {
  const v = form.state?.trim().toLowerCase();
  if (v === undefined || v === '') throw boxError(400, 'missing field state');
  if (v === 'on') return true;
  if (v === 'off') return false;
  throw boxError(400, 'invalid state: use on (pause) or off (unpause)');
}

/**
 * Check a command's fields as they arrive over the tunnel: the same shapes
 * as the HTTP edge, so the relay never trusts the cloud to have done it.
 */
export function checkCommandFields(fields: Record<string, unknown>, shaped: ShapedFields): void {
  for (const [name, kind] of shaped) {
    const value = fields[name];
    if (typeof value !== 'string') throw boxError(400, `missing field ${name}`);
    // Exactly as dispatched: the HTTP edge sends values trimmed.
    if (field({ [name]: value }, name, kind) !== value) throw boxError(400, `invalid ${name}: surrounding spaces`);
  }
}
