/** The decisions behind a recording's answer, without sockets: which range a header asks, and the validators. */
import { describe, expect, it } from 'vitest';
import { etagMatches } from '../http/etag.js';
import { etagOf, fileAnswer, rangeOf } from './file-answer.js';

async function* chunks(data: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}
async function all(body: AsyncIterable<Uint8Array> | undefined): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const c of body ?? []) out.push(c);
  return Buffer.concat(out);
}

describe('rangeOf (RFC 9110 single byte ranges)', () => {
  it('reads first-last, first-, and -suffix; clamps the end to the file', () => {
    expect(rangeOf('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(rangeOf('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(rangeOf('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(rangeOf('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(rangeOf('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 });
  });
  it('is unsatisfiable past the end or for an empty suffix; ignores what it cannot read', () => {
    expect(rangeOf('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(rangeOf('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(rangeOf('bytes=0-', 0)).toBe('unsatisfiable');
    for (const h of [undefined, '', 'items=0-1', 'bytes=0-1,5-9', 'bytes=9-1', 'bytes=-', 'bytes=a-b']) expect(rangeOf(h, 1000), String(h)).toBeUndefined();
  });
});

describe('fileAnswer', () => {
  const data = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
  const file = () => ({ contentType: 'audio/wav', size: 100, modified: Date.UTC(2026, 10, 24, 9, 0, 0), body: chunks(data, 7) });

  it('slices across chunks, and answers HEAD without a body', async () => {
    const a = fileAnswer(file(), { method: 'GET', range: 'bytes=5-20' });
    expect([a.status, a.headers['Content-Range'], a.headers['Content-Length']]).toEqual([206, 'bytes 5-20/100', '16']);
    expect([...(await all(a.body))]).toEqual([...data.subarray(5, 21)]);
    const h = fileAnswer(file(), { method: 'HEAD' });
    expect([h.status, h.body, h.headers['Content-Length'], h.headers['Accept-Ranges']]).toEqual([200, undefined, '100', 'bytes']);
  });

  it('revalidates by ETag (or by date without one), a changed file is sent again', () => {
    const etag = etagOf(file())!;
    expect(fileAnswer(file(), { method: 'GET', ifNoneMatch: `"x", ${etag}` }).status).toBe(304);
    expect(fileAnswer({ ...file(), modified: file().modified + 1000 }, { method: 'GET', ifNoneMatch: etag }).status).toBe(200);
    expect(fileAnswer(file(), { method: 'GET', ifModifiedSince: 'Tue, 24 Nov 2026 09:00:00 GMT' }).status).toBe(304);
    expect(fileAnswer(file(), { method: 'GET', ifModifiedSince: 'Tue, 24 Nov 2026 08:59:59 GMT' }).status).toBe(200);
    expect(etagMatches('*', etag)).toBe(true);
    expect(etagOf({ size: 1 })).toBeUndefined();
  });
});
