/**
 * The web console's built files (dist/console, written by
 * scripts/build-console.ts), read from disk on first request and kept: the
 * page, and content-hashed assets with their precompressed `.br` and `.gz`
 * twins. Nothing is read at start-up, so the HTTP Lambda function's cold
 * start does not pay for the console; a warm instance serves from memory.
 * Only names of the build's shape are ever looked up (no path from a
 * request reaches the file system otherwise).
 */

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type Encoding = 'br' | 'gzip' | 'identity';

export interface ConsoleFile {
  contentType: string;
  /** Strong validator of the identity bytes; each encoding gets its own suffix. */
  etag: string;
  bodies: Partial<Record<Encoding, Uint8Array>> & { identity: Uint8Array };
}

/** The page itself. */
export const PAGE = 'index.html';

/** An asset's name as the build writes them: `main-ABC123.js`, `chunk-XYZ.js`, `styles-….css`. */
const ASSET = /^[A-Za-z0-9][A-Za-z0-9_-]{0,80}\.(js|css|map|svg|png|woff2)$/;

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  map: 'application/json',
  svg: 'image/svg+xml',
  png: 'image/png',
  woff2: 'font/woff2',
};

/** `assets/<name>` for a valid asset name; undefined for anything else (which is then simply not found). */
export function assetPath(name: string): string | undefined {
  return ASSET.test(name) ? `assets/${name}` : undefined;
}

export function contentTypeOf(path: string): string {
  return TYPES[path.slice(path.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}

/**
 * The best encoding the client accepts among those we have: brotli, then
 * gzip, then the bytes as they are. `q=0` refuses an encoding (RFC 9110
 * §12.5.3); `*` stands for any encoding not named.
 */
export function pickEncoding(acceptEncoding: string | undefined, available: readonly Encoding[]): Encoding {
  const q = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const accepts = (name: string) => (q.get(name) ?? q.get('*') ?? 0) > 0;
  for (const enc of ['br', 'gzip'] as const) if (available.includes(enc) && accepts(enc)) return enc;
  return 'identity';
}

/** Whether an If-None-Match header names this ETag: one rule for every file the project serves. */
export { etagMatches } from '../../../protocol/src/http/etag.js';

/** The ETag of one encoding of a file. */
export function etagOf(file: ConsoleFile, encoding: Encoding): string {
  return encoding === 'identity' ? file.etag : file.etag.replace(/"$/, `-${encoding === 'br' ? 'br' : 'gz'}"`);
}

async function readIfThere(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export class ConsoleAssets {
  private readonly files = new Map<string, Promise<ConsoleFile | undefined>>();

  constructor(readonly dir: string) {}

  /** A file of the build (`index.html`, `assets/…`), or undefined when the build has none of that name. */
  get(path: string): Promise<ConsoleFile | undefined> {
    let file = this.files.get(path);
    if (!file) {
      file = this.load(path);
      this.files.set(path, file);
      // A failed or missing read is not kept: a later build may add the file.
      void file.then(
        (f) => f ?? this.files.delete(path),
        () => this.files.delete(path),
      );
    }
    return file;
  }

  private async load(path: string): Promise<ConsoleFile | undefined> {
    const full = join(this.dir, path);
    const identity = await readIfThere(full);
    if (!identity) return undefined;
    const [br, gzip] = await Promise.all([readIfThere(`${full}.br`), readIfThere(`${full}.gz`)]);
    const etag = `"${createHash('sha256').update(identity).digest('base64url').slice(0, 22)}"`;
    return { contentType: contentTypeOf(path), etag, bodies: { identity, ...(br ? { br } : {}), ...(gzip ? { gzip } : {}) } };
  }
}
