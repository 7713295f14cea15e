/**
 * GET /docs on both runtimes: the interactive reference (Swagger UI) is
 * served by the cloud itself — the page, Swagger UI's own files exactly as
 * the npm package ships them (gzipped for a client that takes it), and the
 * document it loads — with nothing fetched from anywhere else.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudRuntimes, type RunningCloud } from '../helpers/runtimes.js';

const packageDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

describe.each(cloudRuntimes)('the API reference on $name', (runtime) => {
  let cloud: RunningCloud;
  beforeAll(async () => {
    cloud = await runtime.start();
  }, 120_000);
  afterAll(async () => cloud?.stop());

  it('serves the page, Swagger UI from the package and the document, all from the cloud', async () => {
    const page = await fetch(`${cloud.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs).toHaveLength(3);
    // Nothing from another host: every reference is relative to the page.
    for (const ref of refs) expect(ref, ref).not.toMatch(/^(?:[a-z]+:)?\/\//);
    const base = `${cloud.url}/docs`;
    for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
      const url = new URL(refs.find((r) => r.endsWith(file)) ?? '', base);
      const plain = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
      expect(plain.status).toBe(200);
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(Buffer.from(await plain.arrayBuffer()).equals(readFileSync(join(packageDir, file))), file).toBe(true);
      // Gzipped when asked (fetch undoes it: the bytes are still the package's).
      const zipped = await fetch(url, { headers: { 'accept-encoding': 'gzip' } });
      expect(zipped.headers.get('content-encoding')).toBe('gzip');
      expect(Buffer.from(await zipped.arrayBuffer()).equals(readFileSync(join(packageDir, file))), `${file} (gzip)`).toBe(true);
    }
    const init = await (await fetch(new URL(refs.find((r) => r.endsWith('init.js')) ?? '', base))).text();
    const documentUrl = /new URL\("([^"]+)", document\.baseURI\)/.exec(init)?.[1];
    expect(documentUrl).toBeDefined();
    const doc = await fetch(new URL(documentUrl ?? '', base));
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { openapi: string }).openapi).toBe('3.1.0');
    // /docs/ would break the page's relative links: it goes to /docs.
    const slash = await fetch(`${cloud.url}/docs/`, { redirect: 'manual' });
    expect(slash.status).toBe(301);
    expect(new URL(slash.headers.get('location') ?? '', `${cloud.url}/docs/`).pathname).toBe('/docs');
    expect((await fetch(`${cloud.url}/docs/package.json`)).status).toBe(404);
  });
});
