/**
 * A request's inputs against its route's schemas (contract/route.ts): the
 * one place a valibot issue becomes a refusal a user can act on. Pure.
 *
 *  - a field or parameter the route does not take: `unknown-field`, naming
 *    it, with the closest allowed name (`timeZone` → did you mean
 *    `timezone`?) and the allowed ones — reported before anything else, as
 *    the likeliest mistake;
 *  - a missing or wrong one: `invalid-field`, `<field>: <what it must be>`
 *    (the check's own words, or the field's description);
 *  - a body that is not an object: `malformed-body`.
 */

import * as v from 'valibot';
import { closest } from '../../../protocol/src/cli/suggest.js';
import { apiError, invalidField, type ApiError } from './errors.js';

type Where = 'body' | 'query';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySchema = v.GenericSchema<any, any>;
type Issue = v.BaseIssue<unknown>;
/** Marks valibot's generic messages, so that the field's description is used instead. */
const GENERIC = '\u0000generic';

/** The value as the schema's output, or the refusal. */
export function validate<S extends AnySchema>(schema: S, value: unknown, where: Where): v.InferOutput<S> {
  // valibot takes an array for an object; a body is an object or nothing.
  if (where === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) throw apiError('malformed-body', 'body: a JSON object is required', { in: where });
  const r = v.safeParse(schema, value, { message: () => GENERIC });
  if (r.success) return r.output;
  throw refusal(schema, r.issues, where);
}

/** Query parameters as one object of strings; a parameter given twice is refused (which one would count?). */
export function queryObject(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, value] of params) {
    if (Object.hasOwn(out, k)) throw invalidField(k.slice(0, 64), 'given more than once', { in: 'query' });
    out[k] = value;
  }
  return out;
}

function refusal(schema: AnySchema, issues: readonly Issue[], where: Where): ApiError {
  const unknown = issues.find(isUnknownKey) ?? issues[0];
  const path = (unknown.path ?? []).map((p) => p.key as string | number);
  if (path.length === 0) {
    return where === 'body' ? apiError('malformed-body', 'body: a JSON object is required', { in: where }) : invalidField('query', 'parameters expected', { in: where });
  }
  if (isUnknownKey(unknown)) {
    const key = String(path[path.length - 1]).slice(0, 64);
    const allowed = Object.keys(objectEntries(schemaAt(schema, path.slice(0, -1))) ?? {});
    const hint = closest(key, allowed);
    const noun = where === 'query' ? 'unknown parameter' : 'unknown field';
    const at = path.length > 1 ? ` in ${String(path[0])}` : '';
    return apiError(
      'unknown-field',
      `${noun}: ${key}${at}${hint ? ` (did you mean ${hint}?)` : ''} (allowed: ${allowed.join(', ') || 'none'})`,
      { in: where, field: key, allowed, ...(hint ? { suggestion: hint } : {}) },
    );
  }
  const field = String(path[0]);
  const own = unknown.message !== GENERIC ? unknown.message : undefined;
  const described = describe(schemaAt(schema, path));
  const missing = unknown.input === undefined && path.length === 1;
  const what = own ?? (missing ? `required${described ? `: ${described}` : ''}` : (described ?? `expected ${unknown.expected ?? 'another value'}`));
  const item = path.slice(1).map((k) => (typeof k === 'number' ? `item ${k}` : k));
  return invalidField(field, [...item, what].join(': '), { in: where, ...(item.length ? { path: path.join('.') } : {}) });
}

function isUnknownKey(issue: Issue): boolean {
  return issue.type === 'strict_object' && issue.expected === 'never';
}

/** The schema at a path of keys (object entries, array items), through optional, nullable and pipe wrappers. */
function schemaAt(schema: AnySchema | undefined, path: ReadonlyArray<string | number>): AnySchema | undefined {
  let s = schema;
  for (const key of path) {
    s = unwrap(s);
    if (!s) return undefined;
    const entries = objectEntries(s);
    if (entries) s = entries[key as string];
    else if ('item' in s) s = (s as unknown as { item: AnySchema }).item;
    else return undefined;
  }
  return s;
}

function unwrap(schema: AnySchema | undefined): AnySchema | undefined {
  let s = schema;
  for (let i = 0; s && i < 8; i++) {
    if ('wrapped' in s) s = (s as unknown as { wrapped: AnySchema }).wrapped;
    else if ('pipe' in s && (s as unknown as { pipe: AnySchema[] }).pipe[0] !== s) s = (s as unknown as { pipe: AnySchema[] }).pipe[0];
    else break;
  }
  return s;
}

function objectEntries(schema: AnySchema | undefined): Record<string, AnySchema> | undefined {
  const s = unwrap(schema);
  return s && 'entries' in s ? (s as unknown as { entries: Record<string, AnySchema> }).entries : undefined;
}

/** The description a schema carries (the innermost pipe's, else a wrapper's). */
export function describe(schema: AnySchema | undefined): string | undefined {
  let s = schema;
  for (let i = 0; s && i < 8; i++) {
    if ('pipe' in s) {
      const pipe = (s as unknown as { pipe: Array<{ type: string; description?: string }> }).pipe;
      const found = pipe.find((a) => a.type === 'description');
      if (found) return found.description;
      if (pipe[0] === (s as unknown)) return undefined;
      s = pipe[0] as unknown as AnySchema;
    } else if ('wrapped' in s) s = (s as unknown as { wrapped: AnySchema }).wrapped;
    else return undefined;
  }
  return undefined;
}
