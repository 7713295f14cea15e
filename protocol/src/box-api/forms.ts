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
import { boxError } from './errors.js';

export type Form = Record<string, string>;

/** Largest form we read: a few short fields. */
const MAX_FORM_BYTES = 16 * 1024;

export async function readForm(c: Context): Promise<Form> {
  const form: Form = {};
  // Query string first, body overrides: DELETE clients often cannot send a body.
  for (const [k, v] of new URL(c.req.url).searchParams) form[k] = v;
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const length = Number(c.req.header('content-length') ?? '0');
  if (length > MAX_FORM_BYTES) throw boxError(413, `form body too large (max ${MAX_FORM_BYTES} bytes)`);
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return form;
  if (type === '' || type === 'application/x-www-form-urlencoded') {
    const text = await c.req.text();
    if (text.length > MAX_FORM_BYTES) throw boxError(413, `form body too large (max ${MAX_FORM_BYTES} bytes)`);
    Object.assign(form, parseUrlEncoded(text));
  } else if (type === 'multipart/form-data') {
    let body: Record<string, unknown>;
    try {
      body = await c.req.parseBody();
    } catch {
      throw boxError(400, 'malformed multipart form body');
    }
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') form[k] = v;
  } else if (type === 'application/json') {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw boxError(400, 'malformed JSON body');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw boxError(400, 'JSON body must be an object of fields');
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string' || typeof v === 'number') form[k] = String(v);
  } else {
    throw boxError(415, `unsupported content type ${type}; send application/x-www-form-urlencoded`);
  }
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

/** Extensions, members, numbers: what a dial string may safely carry. */
const NUMBER_LIKE = /^[0-9A-Za-z*#+_.-]{1,64}$/;
/** Queue names in queues.conf. */
const QUEUE_NAME = /^[0-9A-Za-z_.-]{1,64}$/;

export type FieldKind = 'extension' | 'number' | 'queue';

export function field(form: Form, name: string, kind: FieldKind): string {
  const value = form[name];
  if (value === undefined || value.trim() === '') throw boxError(400, `missing field ${name}`);
  // Control characters are refused, not trimmed away: they are never innocent here.
  if (/[\x00-\x1f\x7f]/.test(value)) throw boxError(400, `invalid ${name}: control characters (CR, LF, NUL, ...) are not allowed`);
  const v = value.trim();
  const ok = kind === 'queue' ? QUEUE_NAME.test(v) : NUMBER_LIKE.test(v);
  if (!ok) throw boxError(400, `invalid ${name}: ${describe(kind)}`);
  return v;
}

function describe(kind: FieldKind): string {
  return kind === 'queue'
    ? 'a queue name is 1-64 letters, digits, _ . -'
    : 'expected 1-64 characters of digits, letters, * # + _ . -';
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
 * Check a command's fields as they arrive over the tunnel: the same patterns
 * as the HTTP edge, so the relay never trusts the cloud to have done it.
 */
export function checkCommandFields(fields: Record<string, unknown>, names: readonly string[]): void {
  for (const name of names) {
    if (name === 'path') continue;
    const value = fields[name];
    if (typeof value !== 'string') throw boxError(400, `missing field ${name}`);
    field({ [name]: value }, name, name === 'queue' ? 'queue' : 'number');
  }
}
