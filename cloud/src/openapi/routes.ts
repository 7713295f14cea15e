/**
 * GET /openapi.json: the API document, built from the declared routes on
 * the first request and kept (the routes are fixed once the app's modules
 * are loaded). Public, like the reference at /docs (docs/routes.ts): it
 * describes the API, it opens none of it.
 */

import { Hono } from 'hono';
import { declaredRoutes } from '../api/contract/route.js';
import type { OpenApiDocument } from './types.js';

export const OPENAPI_PATH = '/openapi.json';

export function openApiRoutes(): Hono {
  const app = new Hono();
  let document: OpenApiDocument | undefined;
  app.get(OPENAPI_PATH, async (c) => {
    // Loaded on first use: the converter stays out of the cold start of every other request.
    if (!document) document = (await import('./document.js')).openApiDocument(declaredRoutes());
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(document);
  });
  return app;
}
