/**
 * The one way a request body is read, by the box API (LAN and cloud) and by
 * every /v1 route: at most `limit` bytes, whatever the content type and
 * whether the body is chunked or has a length. A declared Content-Length over
 * the limit is refused before a byte is read; otherwise reading stops at the
 * first chunk that crosses it, so no more than `limit` plus one chunk is ever
 * held. What is left unread is drained (bounded) and the connection closed by
 * the server adapter.
 *
 * A body that breaks off (the client closed the connection, or the server's
 * request timeout cut it) is the client's doing, not ours: it is a
 * RequestAbortedError, which the error answers log at debug level only.
 */

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body too large (max ${limit} bytes)`);
    this.name = 'BodyTooLargeError';
  }
}

export class RequestAbortedError extends Error {
  constructor(cause?: unknown) {
    super('request aborted by the client before its body was complete', { cause });
    this.name = 'RequestAbortedError';
  }
}

/** Whether an error, or the request it came from, means the client went away. */
export function isClientAbort(err: unknown, request?: Request): boolean {
  return err instanceof RequestAbortedError || request?.signal.aborted === true;
}

/** The body's bytes, at most `limit` of them (else BodyTooLargeError). */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw new BodyTooLargeError(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let next: Awaited<ReturnType<typeof reader.read>>;
    try {
      next = await reader.read();
    } catch (err) {
      throw new RequestAbortedError(err);
    }
    if (next.done) break;
    size += next.value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limit);
    }
    chunks.push(next.value);
  }
  // A body that ends before its declared length was cut by the client going away; the stream may
  // end quietly rather than fail, depending on when the socket closed.
  if (declared !== null && /^\d+$/.test(declared.trim()) && size < Number(declared)) throw new RequestAbortedError();
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** The body as UTF-8 text (invalid sequences become U+FFFD, as Request.text() does). */
export async function readText(request: Request, limit: number): Promise<string> {
  return new TextDecoder().decode(await readBody(request, limit));
}
