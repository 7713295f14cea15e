/**
 * A route of the table (contract/) on a Hono app, with its handler: the one
 * way a /v1 route is served. In front of the handler, in this order and
 * before any work is done for the request:
 *
 *   1. authentication by the route's `auth` (a tenant key must be the path's
 *      tenant's: another tenant's is a 404);
 *   2. path parameters against `params`: a value of the wrong shape is a 404,
 *      as a missing resource would be;
 *   3. the query against `query` (strict: an unknown parameter is a 400);
 *   4. the body, read through the bounded reader with `body.limit`, against
 *      `body.schema` (a route without a body takes none or `{}`).
 *
 * The handler gets the typed values and answers the success body, which is
 * sent with the route's success status (or a Response of its own: a CSV
 * export).
 */

import type { Hono, MiddlewareHandler } from 'hono';
import * as v from 'valibot';
import { NO_FIELDS_LIMIT, readJson } from './body.js';
import type { CloudContext, CloudEnv } from './context.js';
import type { AnswerOf, InputOf, RouteSpec } from './contract/route.js';
import { notFound } from './errors.js';
import { queryObject, validate } from './input.js';

const NO_FIELDS = v.strictObject({});
const NO_QUERY = v.strictObject({});

/** `/v1/tenants/{tenantId}` → `/v1/tenants/:tenantId`. */
export function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

export type Handler<R extends RouteSpec> = (c: CloudContext, input: InputOf<R>) => Promise<AnswerOf<R> | Response>;

/**
 * The authentication of a route, from its declaration (api/auth.ts
 * `authenticate`: its `auth`, and its `scopes` once keys carry them). It sets
 * `tenant` for tenant routes. Tests and benchmarks that mount routes alone
 * hand in their own.
 */
export type Authenticate = (spec: RouteSpec) => MiddlewareHandler<CloudEnv>;

export function mount<R extends RouteSpec>(app: Hono<CloudEnv>, authenticate: Authenticate, spec: R, handler: Handler<R>): void {
  app.on(spec.method.toUpperCase(), honoPath(spec.path), authenticate(spec), async (c) => {
    // Whatever authenticated it, a tenant route serves the tenant of its path only.
    if (spec.auth === 'tenant' && c.get('tenant')?.id !== c.req.param('tenantId')) throw notFound();
    const input = await readInput(c, spec);
    const answer = await handler(c, input);
    if (answer instanceof Response) return answer;
    if (spec.success.status === 204) return c.body(null, 204);
    return c.json(answer as unknown as object, spec.success.status);
  });
}

async function readInput<R extends RouteSpec>(c: CloudContext, spec: R): Promise<InputOf<R>> {
  let params = {};
  if (spec.params) {
    const r = v.safeParse(spec.params, c.req.param());
    if (!r.success) throw notFound();
    params = r.output;
  }
  const query = validate(spec.query ?? NO_QUERY, queryObject(new URL(c.req.url).searchParams), 'query');
  let body = {};
  if (spec.method !== 'get' && spec.method !== 'delete') {
    const json = await readJson(c, spec.body?.limit ?? NO_FIELDS_LIMIT);
    body = validate(spec.body?.schema ?? NO_FIELDS, json ?? {}, 'body');
  }
  return { params, query, body } as InputOf<R>;
}
