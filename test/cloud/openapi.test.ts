/**
 * GET /openapi.json: a valid OpenAPI 3.1 document (checked by an OpenAPI
 * validator, offline) that describes every route the app serves — the /v1
 * routes from their declarations, the box API of every site from the box's
 * tables — with examples that match their own schemas.
 */

import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloudApp } from '../../cloud/src/app.js';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import { documentCheck } from '../helpers/api-document.js';
import { api, startTestCloud } from '../helpers/cloud-harness.js';

let cloud: LocalCloud;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let doc: any;

beforeAll(async () => {
  cloud = await startTestCloud();
  const r = await api(cloud.url)('GET', '/openapi.json');
  expect(r.status).toBe(200);
  doc = r.body;
});
afterAll(async () => cloud.stop());

/** `/sites/:siteId/coocenter-api/monitor/:path{.+}` → `/sites/{siteId}/coocenter-api/monitor/{filePath}`. */
function openApiPath(honoPath: string): string {
  return honoPath.replace(/:path\{\.\+\}/, '{filePath}').replace(/:(\w+)/g, '{$1}');
}

describe('the API document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every route the app serves, with its methods', () => {
    const app = createCloudApp(cloud.deps);
    const served = app.routes.filter((r) => r.path.startsWith('/v1/') || (r.path.startsWith('/sites/') && r.path.includes('/coocenter-api/') && !r.path.endsWith('/*')));
    expect(served.length).toBeGreaterThan(20);
    for (const r of served) {
      const item = doc.paths[openApiPath(r.path)];
      expect(item, `${r.method} ${r.path}`).toBeDefined();
      // The box routes answer every method (405 for the ones they do not take): the document lists the ones they take.
      if (r.method !== 'ALL') expect(item[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
    }
  });

  it('gives every operation a unique id, its security and its errors', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries<Record<string, { operationId: string; security: unknown[]; responses: Record<string, unknown> }>>(doc.paths)) {
      for (const op of Object.values(item)) {
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
        expect(op.security.length, path).toBeGreaterThan(0);
        expect(Object.keys(op.responses).some((s) => s.startsWith('4')), path).toBe(true);
      }
    }
    // The declared extras are there: replay can answer 409 webhook-disabled.
    expect(doc.paths['/v1/tenants/{tenantId}/webhooks/{id}/replay'].post.responses['409'].content['application/json'].examples['webhook-disabled']).toBeDefined();
    // The box's own bodies: a form request, the box's error without a code.
    const click = doc.paths['/sites/{siteId}/coocenter-api/extensions/click-number'].post;
    expect(Object.keys(click.requestBody.content)).toContain('application/x-www-form-urlencoded');
    expect(click.requestBody.content['application/x-www-form-urlencoded'].schema.required).toEqual(['src', 'dst']);
    expect(click.responses['503'].content['application/json'].schema.required).toEqual(['status', 'message']);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['adminToken', 'tenantKey', 'webkey']);
  });

  it('shows examples that match their own schemas', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
    let checked = 0;
    const check = (schema: object, example: unknown, where: string) => {
      const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')));
      expect(validate(example), `${where}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      checked++;
    };
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const body = op.requestBody?.content?.['application/json'];
        if (body?.example) check(body.schema, body.example, `${method} ${path} body`);
        for (const [status, res] of Object.entries<any>(op.responses)) {
          const json = res.content?.['application/json'];
          if (json?.example) check(json.schema, json.example, `${method} ${path} ${status}`);
          for (const [code, ex] of Object.entries<any>(json?.examples ?? {})) check(json.schema, ex.value, `${method} ${path} ${status} ${code}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('holds the tests\' answers to it: a body or a status it does not describe is refused', async () => {
    const check = await documentCheck(cloud.url);
    const url = new URL(`${cloud.url}/v1/tenants/ten_7hq2m4k9x1c3v5b8/sites`);
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    await expect(check.check('GET', url, json(200, { data: [] }))).resolves.toBeUndefined();
    await expect(check.check('GET', url, json(200, { data: [{ id: 'site_7hq2m4k9x1c3v5b8' }] }))).rejects.toThrow(/does not match the API document/);
    await expect(check.check('GET', url, json(200, { data: [], extra: 1 }))).rejects.toThrow(/does not match/);
    await expect(check.check('GET', url, json(404, { status: 'error', code: 'not-found', message: 'not found' }))).resolves.toBeUndefined();
    await expect(check.check('GET', url, json(404, { status: 'error', code: 'nope', message: 'not found' }))).rejects.toThrow(/does not match/);
    await expect(check.check('GET', url, json(418, {}))).rejects.toThrow(/does not list this status/);
  });
});
