/**
 * Every answer a test receives from the cloud, held to the API document the
 * cloud serves (GET /openapi.json): the route's operation must list the
 * status, and a JSON body must match that status's schema (ajv, JSON Schema
 * 2020-12 with formats). So the document cannot drift from the code: a
 * field renamed, a status added or an error not declared fails the test
 * that met it.
 *
 * `validatingFetch(base)` is a fetch that checks each answer (the typed
 * client and `validatedApi` use it); a request to a path the document does
 * not describe (a test of a route that does not exist) is passed unchecked.
 */

import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createCoocenterClient, type CoocenterClient } from '../../client/index.js';
import { declaredRoutes } from '../../cloud/src/api/contract/route.js';
import { openApiDocument } from '../../cloud/src/openapi/document.js';
import { api, type Api } from './cloud-harness.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  responses: Record<string, Json>;
}

export interface DocumentCheck {
  check(method: string, url: URL, response: Response): Promise<void>;
}

const checks = new Map<string, Promise<DocumentCheck>>();

async function load(base: string): Promise<DocumentCheck> {
  const res = await fetch(`${base}/openapi.json`);
  if (res.status !== 200) throw new Error(`GET /openapi.json: ${res.status}`);
  return checkOf((await res.json()) as Json);
}

let inProcess: DocumentCheck | undefined;

/** The check of the document generated in this process, for tests that serve routes without a server (app.request). */
export function inProcessCheck(): DocumentCheck {
  inProcess ??= checkOf(JSON.parse(JSON.stringify(openApiDocument(declaredRoutes()))));
  return inProcess;
}

function checkOf(doc: Json): DocumentCheck {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries<Json>(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{filePath\}/, '.+').replace(/\{\w+\}/g, '[^/]+')}$`);
    for (const [method, op] of Object.entries<Json>(item)) operations.push({ method: method.toUpperCase(), template, pattern, responses: op.responses });
  }
  const compiled = new Map<object, ValidateFunction>();
  const validator = (schema: object): ValidateFunction => {
    let v = compiled.get(schema);
    if (!v) {
      v = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')));
      compiled.set(schema, v);
    }
    return v;
  };
  return {
    async check(method, url, response) {
      const op = operations.find((o) => o.method === method && o.pattern.test(url.pathname));
      if (!op) return;
      const where = `${method} ${op.template} → ${response.status}`;
      const described = op.responses[String(response.status)] ?? op.responses.default;
      if (!described) throw new Error(`${where}: the API document does not list this status (it lists ${Object.keys(op.responses).join(', ')})`);
      const type = (response.headers.get('content-type') ?? '').split(';')[0].trim();
      if (type !== 'application/json') return;
      const schema = described.content?.['application/json']?.schema;
      if (!schema) throw new Error(`${where}: answered JSON where the API document describes none`);
      const text = await response.clone().text();
      const body = text === '' ? undefined : JSON.parse(text);
      const validate = validator(schema);
      if (!validate(body)) throw new Error(`${where}: the answer does not match the API document: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 500)}`);
    },
  };
}

/** The check of the document `base` serves, loaded once per cloud. */
export function documentCheck(base: string): Promise<DocumentCheck> {
  let check = checks.get(base);
  if (!check) {
    check = load(base);
    checks.set(base, check);
  }
  return check;
}

/** fetch, with every answer held to the document of the cloud at `base`. */
export function validatingFetch(base: string): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(request.clone());
    await (await documentCheck(base)).check(request.method, new URL(request.url), response);
    return response;
  };
}

/** The typed client (client/) of the cloud at `base`, every answer held to its document. */
export function typedApi(base: string, token?: string): CoocenterClient {
  return createCoocenterClient(base, { token, fetch: validatingFetch(base) });
}

/** The harness's small JSON caller (cloud-harness.ts `api`), every answer held to the document. */
export function validatedApi(base: string): Api {
  return api(base, validatingFetch(base));
}
