/**
 * The ids the cloud mints, declared once: each kind's prefix, and the one
 * shape every id has (the prefix, `_`, 16 lower-case letters or digits, about
 * 82 random bits). Anything else is refused before any look-up — a path id
 * with 404, a body or query id with 400 — so no request can hand DynamoDB a
 * key it refuses (over about 2 KB: a 500) or make it look for what cannot
 * exist.
 */

import { randomBytes } from 'node:crypto';

export const ID_PREFIXES = { tenant: 'ten', site: 'site', webhook: 'wh', replay: 'rpl', key: 'key' } as const;
export type IdKind = keyof typeof ID_PREFIXES;

/** Random characters after the prefix. */
export const ID_RANDOM_CHARS = 16;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `<prefix>_` and 16 random lower-case letters or digits. */
export function randomId(prefix: string): string {
  let id = '';
  for (const b of randomBytes(ID_RANDOM_CHARS)) id += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${id}`;
}

export function newId(kind: IdKind): string {
  return randomId(ID_PREFIXES[kind]);
}

const SHAPES = Object.fromEntries(
  Object.entries(ID_PREFIXES).map(([kind, prefix]) => [kind, new RegExp(`^${prefix}_[a-z0-9]{${ID_RANDOM_CHARS}}$`)]),
) as Record<IdKind, RegExp>;

/** The pattern of an id of this kind (for schemas and the API document). */
export function idPattern(kind: IdKind): RegExp {
  return SHAPES[kind];
}

/** Whether a value has the shape of an id of this kind (it may still name nothing). */
export function isId(kind: IdKind, value: unknown): value is string {
  return typeof value === 'string' && SHAPES[kind].test(value);
}

/** How an id of this kind looks, for error messages: `site_` and 16 lower-case letters or digits. */
export function idShape(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_ and ${ID_RANDOM_CHARS} lower-case letters or digits`;
}
