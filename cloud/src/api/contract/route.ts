/**
 * What a /v1 route is, declared once: its method and path, the schemas of
 * its path parameters, query and JSON body (valibot, strict), what it answers
 * on success (status, schema, example), who may call it (auth, scopes) and
 * the errors it can answer beyond those every route of its kind can.
 *
 * From one declaration:
 *  - the validation in front of the handler (api/mount.ts): an unknown field
 *    or parameter is a 400 naming it, a wrong one a 400 saying what it must
 *    be, a path id of the wrong shape a 404, all before any work; the
 *    handler receives the typed, validated values (`InputOf<R>`);
 *  - the OpenAPI document (openapi/document.ts), its error responses derived
 *    from the route's auth and inputs (derivedErrors) plus `errors`;
 *  - through the document, the typed client (client/) and the tests'
 *    response validation.
 *
 * Pure declarations: no handler, no I/O. The tables are in this folder, one
 * file per family (admin.ts, webhooks.ts, analytics.ts), listed in index.ts.
 */

import type * as v from 'valibot';
import type { Scope } from '../../store/api-keys.js';
import type { ApiErrorCode } from '../errors.js';

/** Who may call a route: the operator's ADMIN_TOKEN, or a key of the tenant in the path. */
export type Auth = 'admin' | 'tenant';

/**
 * What a tenant key may be allowed to do (store/api-keys.ts SCOPES). Each
 * route names the scopes that grant it; api/auth.ts checks them.
 */
export type { Scope };

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

// Schemas of any input and output: a route's own types come from its declaration (`const` below).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySchema = v.GenericSchema<any, any>;

export interface BodySpec<S extends AnySchema = AnySchema> {
  /** A strict object schema: the JSON body's fields. */
  readonly schema: S;
  /** Largest body in bytes, read through the one bounded reader (api/body.ts BODY_LIMITS). */
  readonly limit: number;
  readonly example?: v.InferInput<S>;
}

export interface SuccessSpec<S extends AnySchema = AnySchema> {
  readonly status: 200 | 201 | 202 | 204;
  readonly description: string;
  /** The JSON body; absent for 204. */
  readonly schema?: S;
  readonly example?: v.InferInput<S>;
  /** Other media types the route can answer with instead of JSON (CSV export), for the document. */
  readonly alternatives?: Readonly<Record<string, { readonly description: string }>>;
}

export interface RouteSpec {
  /** The OpenAPI operationId; also how the typed client and the tests name the route. */
  readonly id: string;
  readonly method: Method;
  /** OpenAPI form: `/v1/tenants/{tenantId}/sites`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  /** The document's group (`Admin`, `Webhooks`, `CDRs and statistics`). */
  readonly tag: string;
  readonly auth: Auth;
  /** Scopes that grant the route (any one of them); `admin` grants everything. */
  readonly scopes: readonly Scope[];
  /** Path parameters: an object schema, one entry per `{name}` of the path; a value not of its shape is a 404. */
  readonly params?: AnySchema;
  /** Query parameters: a strict object schema of strings. */
  readonly query?: AnySchema;
  readonly body?: BodySpec;
  readonly success: SuccessSpec;
  /** Errors the handler itself can answer, beyond derivedErrors(). */
  readonly errors?: readonly ApiErrorCode[];
}

/** Declares a route, keeping its literal types for the handler's input and answer. */
export function route<const R extends RouteSpec>(spec: R): R {
  return spec;
}

type Out<S> = S extends AnySchema ? v.InferOutput<S> : Record<string, never>;

/** What the handler of a route receives, validated. */
export interface InputOf<R extends RouteSpec> {
  params: Out<R['params']>;
  query: Out<R['query']>;
  body: R['body'] extends BodySpec ? v.InferOutput<R['body']['schema']> : Record<string, never>;
}

/** What the handler of a route answers on success (the JSON body; undefined for 204). */
export type AnswerOf<R extends RouteSpec> = R['success']['schema'] extends AnySchema ? v.InferInput<R['success']['schema']> : undefined;

/**
 * The errors every route of its kind can answer: from its authentication,
 * its path parameters (404 for an id of the wrong shape or nobody's), its
 * query and body (400s, 413), and the one nobody plans (500).
 */
export function derivedErrors(r: RouteSpec): ApiErrorCode[] {
  const codes: ApiErrorCode[] = ['unauthorized'];
  if (r.auth === 'admin') codes.push('admin-disabled');
  // A tenant route's tenant is in its path: another tenant's key gets 404; a key without the route's scope a 403.
  if (r.auth === 'tenant' || r.params) codes.push('not-found');
  if (r.auth === 'tenant') codes.push('insufficient-scope');
  if (r.query || r.body || r.method !== 'get') codes.push('unknown-field', 'invalid-field');
  if (r.method !== 'get' && r.method !== 'delete') codes.push('malformed-body', 'body-too-large');
  codes.push(...(r.errors ?? []), 'internal');
  return [...new Set(codes)];
}
