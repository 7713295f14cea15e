/**
 * The OpenAPI 3.1 document of the cloud, generated — never written by hand:
 * the /v1 routes from their declarations (api/contract/*, each route's
 * schemas, success, auth, scopes and errors), their error answers from the
 * code table (api/errors.ts API_ERRORS), and the box API per site from the
 * box's own tables (box.ts). Served at GET /openapi.json (routes.ts); the
 * typed client (client/) and the tests' response validation are built
 * from it.
 */

import { derivedErrors, type RouteSpec } from '../api/contract/route.js';
import { ErrorBody } from '../api/contract/fields.js';
import { API_ERRORS, type ApiErrorCode } from '../api/errors.js';
import { BOX_TAG, boxPaths } from './box.js';
import { jsonSchema, objectProperties } from './schema.js';
import type { JsonObject, OpenApiDocument, Operation } from './types.js';

export const DOCUMENT_VERSION = '1.0.0';

const DESCRIPTION = `The coocenter cloud: \`/v1\` for tenants (sites, webhooks, CDRs, statistics) and the box API of every site, byte-compatible with the box.

Every \`/v1\` error is \`{"status":"error","code","message","details"?}\` with a stable \`code\` (docs/errors.md lists them all); the box API's errors stay the box's \`{"status":"error","message"}\`.`;

const SECURITY_SCHEMES = {
  tenantKey: { type: 'http', scheme: 'bearer', description: 'a tenant\'s API key, `ck.<tenantId>.<secret>` (POST /v1/tenants answers it once)' },
  adminToken: { type: 'http', scheme: 'bearer', description: 'the operator\'s ADMIN_TOKEN (the cloud\'s setting); without it the operator routes answer 503 admin-disabled' },
  webkey: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'the box\'s own: md5 hex of WEBKEY + today\'s date (YYYY-MM-DD in the site\'s time zone), for sites created with a webkey' },
};

function errorResponses(codes: readonly ApiErrorCode[]): Record<string, JsonObject> {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of codes) byStatus.set(API_ERRORS[code].status, [...(byStatus.get(API_ERRORS[code].status) ?? []), code]);
  const out: Record<string, JsonObject> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: group.map((code) => `\`${code}\`: ${API_ERRORS[code].meaning}`).join('\n\n'),
      content: {
        'application/json': {
          schema: { allOf: [{ $ref: '#/components/schemas/Error' }, { properties: { code: { enum: group } } }] },
          examples: Object.fromEntries(group.map((code) => [code, { value: { status: 'error', code, message: API_ERRORS[code].meaning } }])),
        },
      },
    };
  }
  return out;
}

function success(spec: RouteSpec): Record<string, JsonObject> {
  const s = spec.success;
  const content: JsonObject = {};
  if (s.schema) content['application/json'] = { schema: jsonSchema(s.schema), ...(s.example === undefined ? {} : { example: s.example }) };
  for (const [type, alt] of Object.entries(s.alternatives ?? {})) content[type] = { schema: { type: 'string', description: alt.description } };
  return { [String(s.status)]: Object.keys(content).length > 0 ? { description: s.description, content } : { description: s.description } };
}

function operation(spec: RouteSpec): Operation {
  const parameters: JsonObject[] = [];
  for (const [where, schema] of [['path', spec.params], ['query', spec.query]] as const) {
    if (!schema) continue;
    for (const p of objectProperties(schema)) {
      const { description, ...rest } = p.schema;
      parameters.push({ name: p.name, in: where, required: where === 'path' || p.required, schema: rest, ...(description ? { description } : {}) });
    }
  }
  const scopes = spec.auth === 'tenant' && spec.scopes.length > 0 ? `\n\nA tenant key with any of the scopes: ${spec.scopes.join(', ')}.` : '';
  const op: Operation = {
    operationId: spec.id,
    summary: spec.summary,
    description: `${spec.description ?? ''}${scopes}`.trim() || undefined,
    tags: [spec.tag],
    security: [spec.auth === 'admin' ? { adminToken: [] } : { tenantKey: [] }],
    responses: { ...success(spec), ...errorResponses(derivedErrors(spec)) },
    'x-scopes': spec.scopes,
  };
  if (op.description === undefined) delete op.description;
  if (parameters.length > 0) op.parameters = parameters;
  if (spec.body) {
    op.requestBody = {
      required: true,
      description: `a JSON object of at most ${spec.body.limit} bytes; a field it does not take is refused (unknown-field)`,
      content: { 'application/json': { schema: jsonSchema(spec.body.schema), ...(spec.body.example === undefined ? {} : { example: spec.body.example }) } },
    };
  }
  return op;
}

export function openApiDocument(routes: readonly RouteSpec[]): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const spec of routes) (paths[spec.path] ??= {})[spec.method] = operation(spec);
  const tags = [...new Set(routes.map((r) => r.tag))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: { title: 'coocenter cloud API', version: DOCUMENT_VERSION, description: DESCRIPTION },
    servers: [{ url: '/' }],
    tags: [...tags, { name: BOX_TAG, description: 'The box\'s own API of one site, exactly as the box answers it: change only the base URL.' }],
    paths: { ...paths, ...boxPaths() },
    components: { securitySchemes: SECURITY_SCHEMES, schemas: { Error: jsonSchema(ErrorBody) } },
  };
}
