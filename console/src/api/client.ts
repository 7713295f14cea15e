/**
 * The one way the console calls the cloud: same origin (the console is served
 * by the cloud it talks to), the session's key as `Authorization: Bearer`,
 * JSON in and out, and every refusal as an ApiFailure carrying the status and,
 * from the cloud's error answer (`{"status":"error","code","message"}`), its
 * code and message (failure.ts words them for the reader).
 * A 401 signs the tab out: the key was revoked or mistyped.
 */

import { withQuery, type Query } from '../url.js';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** The network itself failed (cloud unreachable, connection cut): status 0. */
export const NETWORK_FAILURE = 0;

export interface Api {
  get<T>(path: string, query?: Query): Promise<T>;
  send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** A body as bytes (CSV exports, recordings), with the file name the cloud suggests. */
  blob(path: string, query?: Query): Promise<{ blob: Blob; filename: string | undefined }>;
}

/** `cache` spelled out: Node's RequestInit (the tests run this module there too) lacks it. */
type FetchInit = RequestInit & { cache?: RequestInit extends { cache?: infer C } ? C : string };
export type Fetch = (input: string, init: FetchInit) => Promise<Response>;

/** The file name of a `Content-Disposition: attachment; filename="…"` header. */
export function attachmentName(header: string | null): string | undefined {
  const m = header ? /filename="([^"]+)"/i.exec(header) : null;
  return m ? m[1] : undefined;
}

async function failureOf(res: Response): Promise<ApiFailure> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { message?: unknown; code?: unknown };
    if (typeof body.message === 'string') return new ApiFailure(res.status, body.message, typeof body.code === 'string' ? body.code : undefined);
  } catch {
    // not JSON: a proxy's or the platform's page
  }
  return new ApiFailure(res.status, text.slice(0, 200) || res.statusText);
}

export function apiClient(key: string, onUnauthorized: () => void, fetcher: Fetch = (input, init) => fetch(input, init)): Api {
  const call = async (method: string, url: string, body?: unknown): Promise<Response> => {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetcher(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store' });
    } catch (err) {
      throw new ApiFailure(NETWORK_FAILURE, err instanceof Error ? err.message : String(err));
    }
    if (res.status === 401) onUnauthorized();
    if (!res.ok) throw await failureOf(res);
    return res;
  };
  const json = async <T>(res: Response): Promise<T> => (res.status === 204 ? (undefined as T) : ((await res.json()) as T));
  return {
    get: async (path, query) => json(await call('GET', withQuery(path, query))),
    send: async (method, path, body) => json(await call(method, path, body)),
    blob: async (path, query) => {
      const res = await call('GET', withQuery(path, query));
      return { blob: await res.blob(), filename: attachmentName(res.headers.get('content-disposition')) };
    },
  };
}
