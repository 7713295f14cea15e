/**
 * GET /openapi.json: the API document. Public, like the reference at /docs
 * (reference.ts): it describes the API, it opens none of it.
 *
 * On AWS the HTTP function serves the document `npm run build` generated
 * (dist/openapi.json, shipped beside the bundle like Swagger UI's files), so
 * the generator and its JSON Schema converter stay out of the bundle and its
 * cold start; elsewhere it is generated from the declared routes on the first
 * request. Either way it is built once and kept: the routes are fixed once
 * the app's modules are loaded.
 */

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { declaredRoutes } from '../api/contract/route.js';

export const OPENAPI_PATH = '/openapi.json';
/** The generated document's file name, in dist/ and beside the Lambda bundle. */
export const OPENAPI_FILE = 'openapi.json';

// Not a literal: a bundler leaves the generator out (the bundle serves the built file).
const GENERATOR = './document.js';

async function loadDocument(): Promise<string> {
  const built = join(dirname(fileURLToPath(import.meta.url)), OPENAPI_FILE);
  if (existsSync(built)) return readFile(built, 'utf8');
  const { openApiDocument } = (await import(GENERATOR)) as typeof import('./document.js');
  return JSON.stringify(openApiDocument(declaredRoutes()));
}

export function openApiRoutes(): Hono {
  const app = new Hono();
  let document: Promise<string> | undefined;
  app.get(OPENAPI_PATH, async (c) => {
    document ??= loadDocument();
    document.catch(() => (document = undefined));
    c.header('Cache-Control', 'public, max-age=300');
    c.header('Content-Type', 'application/json');
    return c.body(await document);
  });
  return app;
}
