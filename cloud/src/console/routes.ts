/**
 * The web console at /console, on both runtimes (the same Hono app):
 *
 *   GET /console/assets/<name>   a content-hashed asset: cached for a year, immutable
 *   GET /console[/…]             the page, for every console path (its router picks the view): revalidated every time
 *
 * Both with an ETag (304 when it matches) and the smallest encoding the
 * browser accepts (brotli, gzip: API Gateway does not compress). The page
 * carries a strict Content-Security-Policy: scripts, styles and API calls
 * from this origin only, no framing. It calls /v1 on the same origin, so no
 * CORS is involved.
 */

import { Hono, type Context } from 'hono';
import type { CloudEnv } from '../api/context.js';
import { assetPath, ConsoleAssets, etagMatches, etagOf, PAGE, pickEncoding, type ConsoleFile, type Encoding } from './assets.js';

export const CONSOLE_PATH = '/console';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const ENCODING_HEADER: Record<Exclude<Encoding, 'identity'>, string> = { br: 'br', gzip: 'gzip' };

function answer(c: Context<CloudEnv>, file: ConsoleFile, cacheControl: string, extra: Record<string, string> = {}): Response {
  const encoding = pickEncoding(c.req.header('accept-encoding'), Object.keys(file.bodies) as Encoding[]);
  const etag = etagOf(file, encoding);
  const headers: Record<string, string> = {
    'cache-control': cacheControl,
    etag,
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
    ...extra,
  };
  if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
  headers['content-type'] = file.contentType;
  if (encoding !== 'identity') headers['content-encoding'] = ENCODING_HEADER[encoding];
  const body = file.bodies[encoding] ?? file.bodies.identity;
  return c.body(body as Uint8Array<ArrayBuffer>, 200, headers);
}

export function consoleRoutes(dir: string): Hono<CloudEnv> {
  const assets = new ConsoleAssets(dir);
  const app = new Hono<CloudEnv>();

  app.get(CONSOLE_PATH, (c) => {
    const url = new URL(c.req.url);
    return c.redirect(`${CONSOLE_PATH}/${url.search}`, 301);
  });

  app.get(`${CONSOLE_PATH}/assets/:name`, async (c) => {
    const path = assetPath(c.req.param('name'));
    const file = path ? await assets.get(path) : undefined;
    if (!file) return c.text('not found', 404, { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    return answer(c, file, IMMUTABLE);
  });

  app.get(`${CONSOLE_PATH}/*`, async (c) => {
    const page = await assets.get(PAGE);
    if (!page) return c.text('The console is not built here: `npm run build` writes dist/console.', 503, { 'cache-control': 'no-store' });
    return answer(c, page, REVALIDATE, {
      'content-security-policy': CONSOLE_CSP,
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
  });

  return app;
}
