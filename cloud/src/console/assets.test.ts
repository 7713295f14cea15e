import { describe, expect, it } from 'vitest';
import { assetPath, contentTypeOf, etagMatches, etagOf, pickEncoding, type ConsoleFile } from './assets.js';

describe('console assets', () => {
  it('look up only names of the build’s shape', () => {
    expect(assetPath('main-4SADD72H.js')).toBe('assets/main-4SADD72H.js');
    expect(assetPath('styles-TZZZ5DBW.css')).toBe('assets/styles-TZZZ5DBW.css');
    for (const bad of ['../secrets.key', '..', '.env.js', 'a/b.js', 'a\\b.js', 'main.js.br', 'index.html', 'x.js%00', '', 'a'.repeat(90) + '.js']) expect(assetPath(bad), bad).toBeUndefined();
  });

  it('name their types', () => {
    expect(contentTypeOf('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('assets/a.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('assets/a.bin')).toBe('application/octet-stream');
  });

  it('pick brotli, then gzip, then the plain bytes, as the browser accepts them', () => {
    const all = ['identity', 'br', 'gzip'] as const;
    expect(pickEncoding('gzip, deflate, br, zstd', all)).toBe('br');
    expect(pickEncoding('gzip', all)).toBe('gzip');
    expect(pickEncoding('br;q=0, gzip;q=0.5', all)).toBe('gzip');
    expect(pickEncoding('*', all)).toBe('br');
    expect(pickEncoding('*, br;q=0', all)).toBe('gzip');
    expect(pickEncoding('identity', all)).toBe('identity');
    expect(pickEncoding(undefined, all)).toBe('identity');
    expect(pickEncoding('br', ['identity', 'gzip'])).toBe('identity');
    expect(pickEncoding('BR;Q=1.0', all)).toBe('br');
  });

  it('match If-None-Match weakly, per encoding', () => {
    const file: ConsoleFile = { contentType: 'text/css', etag: '"abc"', bodies: { identity: new Uint8Array() } };
    expect(etagOf(file, 'identity')).toBe('"abc"');
    expect(etagOf(file, 'br')).toBe('"abc-br"');
    expect(etagOf(file, 'gzip')).toBe('"abc-gz"');
    expect(etagMatches('"abc-br"', '"abc-br"')).toBe(true);
    expect(etagMatches('W/"abc-br", "x"', '"abc-br"')).toBe(true);
    expect(etagMatches('"abc"', '"abc-br"')).toBe(false);
    expect(etagMatches('*', '"abc"')).toBe(true);
    expect(etagMatches(undefined, '"abc"')).toBe(false);
  });
});
