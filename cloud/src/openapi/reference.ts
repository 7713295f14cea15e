/**
 * GET /docs: the interactive API reference (Swagger UI, npm swagger-ui-dist)
 * of the document at /openapi.json, served by the cloud itself: no CDN, it
 * works offline and behind a firewall.
 *
 * Swagger UI's two files (1.8 MB of script, 0.2 MB of style) are read from
 * disk when first asked for, never compiled into the HTTP function: on AWS
 * they ship beside its bundle (infra/lib/http-api.ts `besideBundle`, folder
 * `swagger-ui`), on the local server they are the installed package's. They
 * are kept gzipped in memory after the first read.
 */

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Hono, type Context } from 'hono';
import { OPENAPI_PATH } from './routes.js';

export const DOCS_PATH = '/docs';

/** The files of swagger-ui-dist the page uses, and their types (infra/lib/paths.ts ships the same). */
export const SWAGGER_UI_FILES: Readonly<Record<string, string>> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
};

/** Where the files are: beside the Lambda bundle, or the installed package. */
export function swaggerUiDir(): string {
  const beside = join(dirname(fileURLToPath(import.meta.url)), 'swagger-ui');
  if (existsSync(join(beside, 'swagger-ui-bundle.js'))) return beside;
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

// Relative URLs: the page works under any base path (a stage, a proxy's prefix).
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>coocenter cloud API</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script>
</body>
</html>
`;

// A file, not an inline script: the page needs no 'unsafe-inline'.
const INIT = `window.ui = SwaggerUIBundle({ url: new URL(${JSON.stringify(`.${OPENAPI_PATH}`)}, document.baseURI).href, dom_id: '#swagger-ui', deepLinking: true });\n`;

interface Asset {
  raw: Uint8Array;
  gzip: Uint8Array;
}

export function referenceRoutes(dir: () => string = swaggerUiDir): Hono {
  const app = new Hono();
  const cache = new Map<string, Promise<Asset>>();
  const load = (file: string): Promise<Asset> => {
    let asset = cache.get(file);
    if (!asset) {
      asset = readFile(join(dir(), file)).then((raw) => ({ raw, gzip: gzipSync(raw) }));
      // A failed read is retried by the next request, not remembered.
      asset.catch(() => cache.delete(file));
      cache.set(file, asset);
    }
    return asset;
  };
  const send = (c: Context, asset: Asset, type: string) => {
    c.header('Content-Type', type);
    c.header('Cache-Control', 'public, max-age=86400');
    c.header('Vary', 'Accept-Encoding');
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      c.header('Content-Encoding', 'gzip');
      return c.body(asset.gzip as Uint8Array<ArrayBuffer>);
    }
    return c.body(asset.raw as Uint8Array<ArrayBuffer>);
  };

  app.get(DOCS_PATH, (c) => c.html(PAGE));
  // The page's relative links need the address without the slash.
  app.get(`${DOCS_PATH}/`, (c) => c.redirect(`../${DOCS_PATH.slice(1)}`, 301));
  app.get(`${DOCS_PATH}/init.js`, (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(INIT);
  });
  app.get(`${DOCS_PATH}/:file`, async (c) => {
    const file = c.req.param('file');
    const type = SWAGGER_UI_FILES[file];
    if (!type || !Object.hasOwn(SWAGGER_UI_FILES, file)) return c.notFound();
    return send(c, await load(file), type);
  });
  return app;
}
