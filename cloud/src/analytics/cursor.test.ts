import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { CdrQuery } from './plan.js';

const query: CdrQuery = { siteId: 'site_a', type: 'cc_cdr', fromMs: 1000, toMs: 2000, filters: { queue: '630', caller: '06*' } };

describe('cursor', () => {
  it('round-trips the query and the position, as base64url', () => {
    const c = encodeCursor(query, { ms: 1500, siteId: 'site_a', seq: 42 });
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c)).toEqual({ query, after: { ms: 1500, siteId: 'site_a', seq: 42 } });
    const all: CdrQuery = { type: 'cdr', fromMs: 0, toMs: 5, filters: {} };
    expect(decodeCursor(encodeCursor(all, { ms: 1, siteId: 'x', seq: 0 }))?.query).toEqual(all);
  });

  it('refuses anything else', () => {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const good = { v: 1, t: 'cdr', f: 1, u: 2, q: {}, a: [1, 's', 1] };
    expect(decodeCursor(enc(good))).toBeDefined();
    for (const bad of [
      'not base64!',
      '',
      Buffer.from('{').toString('base64url'),
      enc(null),
      enc({ ...good, v: 2 }),
      enc({ ...good, t: 'ivr' }),
      enc({ ...good, f: 3 }),
      enc({ ...good, f: -1 }),
      enc({ ...good, q: { evil: 'x' } }),
      enc({ ...good, q: { caller: 5 } }),
      enc({ ...good, a: [1, 's'] }),
      enc({ ...good, a: ['1', 's', 1] }),
      enc({ ...good, s: 12 }),
    ]) {
      expect(decodeCursor(bad), bad).toBeUndefined();
    }
  });
});
