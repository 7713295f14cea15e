/**
 * Where a reader of an Asterisk file got to, kept in a small JSON file that
 * is replaced atomically (write a temporary file, fsync it, rename it over
 * the old one, fsync the folder): after a crash or `kill -9` the file holds
 * either the old position or the new one, never a torn mix.
 */

import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../atomic-file.js';
import { recordsError } from './errors.js';

export interface TailPosition {
  /** Device and inode of the file the offset belongs to (decimal strings: inodes can exceed 2^53). */
  dev: string;
  ino: string;
  /** Bytes before this offset are done (it is always the end of a complete record). */
  offset: number;
  /** The file's first bytes (up to 64, base64): a file truncated and written again past the offset no longer starts with them. */
  head: string;
}

export async function loadPosition(file: string): Promise<TailPosition | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw recordsError('RECORDS_IO', `cannot read reader position ${file}: ${(err as Error).message}`, { file }, { cause: err });
  }
  let p: Partial<TailPosition> = {};
  try {
    p = JSON.parse(text) as Partial<TailPosition>;
  } catch {
    // reported below
  }
  if (typeof p !== 'object' || p === null || typeof p.dev !== 'string' || typeof p.ino !== 'string' || !Number.isSafeInteger(p.offset) || (p.offset as number) < 0 || typeof p.head !== 'string') {
    throw recordsError('RECORDS_IO', `reader position ${file} is not one this relay wrote`, { file });
  }
  return p as TailPosition;
}

export async function savePosition(file: string, pos: TailPosition): Promise<void> {
  try {
    await writeFileAtomic(file, JSON.stringify(pos));
  } catch (err) {
    throw recordsError('RECORDS_IO', `cannot save reader position ${file}: ${(err as Error).message}`, { file }, { cause: err });
  }
}
