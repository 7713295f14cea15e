import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBody, RequestAbortedError } from './body.js';

const post = (body: string, length?: number) =>
  new Request('http://127.0.0.1/x', { method: 'POST', body, headers: length === undefined ? {} : { 'content-length': String(length) } });

describe('readBody', () => {
  it('reads a whole body', async () => {
    expect(new TextDecoder().decode(await readBody(post('{"a":1}', 7), 100))).toBe('{"a":1}');
  });

  it('a body shorter than its Content-Length was cut by the client: RequestAbortedError, not a short body', async () => {
    await expect(readBody(post('{"url":"http://', 1000), 4096)).rejects.toBeInstanceOf(RequestAbortedError);
  });

  it('a declared length over the limit is refused before reading', async () => {
    await expect(readBody(post('x', 5000), 4096)).rejects.toBeInstanceOf(BodyTooLargeError);
  });
});
