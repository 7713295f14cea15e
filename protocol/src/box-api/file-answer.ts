/**
 * How a recording is answered over HTTP, on the LAN and through the cloud
 * alike, so a browser player can seek: `Accept-Ranges: bytes`, a single
 * `Range` answered 206 with `Content-Range` (416 when it lies past the end),
 * `HEAD` with the headers only, and validators — `ETag` and `Last-Modified`
 * from the file's size and modification time, `If-None-Match` → 304.
 *
 * Pure decisions (rangeOf, etagOf) apart from the streaming (sliced). A
 * request with several ranges gets the whole file (RFC 9110 allows it; no
 * player asks for multipart ranges).
 */

import { etagMatches } from '../http/etag.js';
import type { RecordingFile } from './pbx.js';

export type ByteRange = { start: number; end: number };

/** The range a `Range` header asks of a file of `size` bytes: a range, `unsatisfiable`, or undefined for the whole file. */
export function rangeOf(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  // Not a single byte range (other units, several ranges, garbage): ignored, as RFC 9110 allows.
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    // The last n bytes.
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined; // invalid: ignored
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/** A strong validator from what identifies a file's version: its size and modification time. */
export function etagOf(file: Pick<RecordingFile, 'size' | 'modified'>): string | undefined {
  return file.modified === undefined ? undefined : `"${file.size.toString(16)}-${Math.floor(file.modified).toString(16)}"`;
}


/** The bytes `range` of a stream, closing the source once past it. */
export async function* sliced(body: AsyncIterable<Uint8Array>, range: ByteRange): AsyncGenerator<Uint8Array> {
  let at = 0;
  for await (const chunk of body) {
    const from = Math.max(range.start - at, 0);
    const to = Math.min(range.end + 1 - at, chunk.length);
    if (to > from) yield chunk.subarray(from, to);
    at += chunk.length;
    if (at > range.end) return; // leaving the loop closes the source
  }
}

/** Closes a stream nobody will read (HEAD, 304, 416). */
export async function discard(body: AsyncIterable<Uint8Array>): Promise<void> {
  await body[Symbol.asyncIterator]().return?.();
}

/** What to answer for a file: status, headers, and the bytes to send (none for HEAD, 304, 416). */
export function fileAnswer(
  file: RecordingFile,
  req: { method: string; range?: string; ifNoneMatch?: string; ifModifiedSince?: string },
): { status: 200 | 206 | 304 | 416; headers: Record<string, string>; body?: AsyncIterable<Uint8Array> } {
  const etag = etagOf(file);
  const headers: Record<string, string> = { 'Content-Type': file.contentType, 'Accept-Ranges': 'bytes' };
  if (etag) headers.ETag = etag;
  if (file.modified !== undefined) headers['Last-Modified'] = new Date(file.modified).toUTCString();
  const unchanged = req.ifNoneMatch
    ? etagMatches(req.ifNoneMatch, etag)
    : Boolean(req.ifModifiedSince && file.modified !== undefined && Math.floor(file.modified / 1000) <= Math.floor(Date.parse(req.ifModifiedSince) / 1000));
  if (unchanged) return { status: 304, headers: { ETag: headers.ETag, 'Last-Modified': headers['Last-Modified'], 'Accept-Ranges': 'bytes' } };
  const range = rangeOf(req.range, file.size);
  if (range === 'unsatisfiable') return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${file.size}` } };
  const head = req.method === 'HEAD';
  if (!range) return { status: 200, headers: { ...headers, 'Content-Length': String(file.size) }, body: head ? undefined : file.body };
  return {
    status: 206,
    headers: { ...headers, 'Content-Length': String(range.end - range.start + 1), 'Content-Range': `bytes ${range.start}-${range.end}/${file.size}` },
    body: head ? undefined : sliced(file.body, range),
  };
}
