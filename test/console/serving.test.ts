/**
 * The console as the cloud serves it, on both runtimes (the local server, and
 * the HTTP Lambda handler behind the API Gateway stand-in, which base64s
 * compressed bodies): the page for every console path, revalidated; hashed
 * assets immutable, in the encoding the browser accepts, byte for byte the
 * build's; 304 on a matching ETag; nothing outside the build reachable.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_OUT } from '../../scripts/build-console.js';
import { rawGet } from '../helpers/cloud-harness.js';
import { cloudRuntimes, type RunningCloud } from '../helpers/runtimes.js';

const built = readFileSync(join(CONSOLE_OUT, 'index.html'), 'utf8');
const mainScript = /src="\/console\/assets\/(main-[A-Za-z0-9]+\.js)"/.exec(built)?.[1] ?? '';
const stylesheet = /href="\/console\/assets\/(styles-[A-Za-z0-9]+\.css)"/.exec(built)?.[1] ?? '';

describe.each(cloudRuntimes)('the console served by $name', (runtime) => {
  let cloud: RunningCloud;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(cloud.url + path, { headers, redirect: 'manual' });

  beforeAll(async () => {
    cloud = await runtime.start();
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('answers the page at /console/ and at every console path, revalidated, with a strict CSP', async () => {
    expect(mainScript).not.toBe('');
    for (const path of ['/console/', '/console/calls?type=cc_cdr', '/console/webhooks/wh_123', '/console/no-such-page']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toBe(built);
    }
  });

  it('sends /console and / to /console/', async () => {
    const bare = await get('/console?x=1');
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/console/?x=1');
    const root = await get('/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
  });

  it('serves each hashed asset immutable, in brotli, gzip or as built, always the build’s bytes', async () => {
    const file = readFileSync(join(CONSOLE_OUT, 'assets', mainScript));
    const br = await get(`/console/assets/${mainScript}`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(br.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    // fetch would decode on its own; read the raw bytes to see what was sent.
    const raw = await rawBytes(cloud.url, `/console/assets/${mainScript}`, { 'accept-encoding': 'br' });
    expect(brotliDecompressSync(raw).equals(file)).toBe(true);
    expect(raw.length).toBeLessThan(file.length / 2);

    const gz = await rawBytes(cloud.url, `/console/assets/${mainScript}`, { 'accept-encoding': 'gzip, br;q=0' });
    expect(gunzipSync(gz).equals(file)).toBe(true);
    const plain = await rawBytes(cloud.url, `/console/assets/${mainScript}`, {});
    expect(plain.equals(file)).toBe(true);

    const css = await get(`/console/assets/${stylesheet}`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toBe(readFileSync(join(CONSOLE_OUT, 'assets', stylesheet), 'utf8'));
    // Every file of the build is reachable under its own name.
    for (const name of readdirSync(join(CONSOLE_OUT, 'assets')).filter((n) => !/\.(br|gz)$/.test(n))) {
      expect((await get(`/console/assets/${name}`)).status, name).toBe(200);
    }
  });

  it('answers 304 to a matching ETag, per encoding', async () => {
    const first = await get(`/console/assets/${mainScript}`, { 'accept-encoding': 'br' });
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+-br"$/);
    const again = await get(`/console/assets/${mainScript}`, { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    // Another encoding is another representation: no 304 for it.
    expect((await get(`/console/assets/${mainScript}`, { 'accept-encoding': 'identity', 'if-none-match': etag })).status).toBe(200);
    const page = await get('/console/');
    expect((await get('/console/sites', { 'if-none-match': page.headers.get('etag')! })).status).toBe(304);
  });

  it('reaches nothing outside the build', async () => {
    for (const path of ['/console/assets/..%2F..%2Fpackage.json', '/console/assets/..%2f..%2f..%2fpackage.json', '/console/assets/.hidden.js', '/console/assets/main.js.br', '/console/assets/index.html', '/console/assets/nope-123.js']) {
      const res = await rawGet(cloud.url, path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('coocenter-cloud-connector');
    }
    // A path that climbs out of assets/ is just another console path: the page, nothing else.
    for (const path of ['/console/assets/%2e%2e', '/console/assets/../../package.json', '/console/%2e%2e/%2e%2e/package.json']) {
      const res = await rawGet(cloud.url, path);
      expect(res.status === 404 || (res.status === 200 && res.body.includes(mainScript)), `${path}: ${res.status}`).toBe(true);
      expect(res.body, path).not.toContain('coocenter-cloud-connector');
    }
  });
});

/** A GET's body as sent, without fetch's decoding. */
async function rawBytes(base: string, path: string, headers: Record<string, string>): Promise<Buffer> {
  const { request } = await import('node:http');
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
    });
    req.on('error', reject);
    req.end();
  });
}
