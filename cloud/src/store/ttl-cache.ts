/**
 * A small time-bounded cache for hot, rarely changing look-ups (which tenant a
 * key belongs to, which tenant owns a site). Every API request needs them;
 * a few seconds of staleness is fine, a database round trip per request is
 * not. Bounded in size; oldest entries go first.
 */

import type { Clock } from '../../../protocol/src/clock.js';

export class TtlCache<K, V> {
  private readonly map = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.until < this.clock.now()) {
      this.map.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: K, value: V, ttlMs = this.ttlMs): void {
    if (this.map.size >= this.maxEntries) this.map.delete(this.map.keys().next().value as K);
    this.map.set(key, { value, until: this.clock.now() + ttlMs });
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  /** Cached value, or load it (and cache it, misses included for `missTtlMs`). */
  async getOrLoad(key: K, load: () => Promise<V>, missTtlMs?: number): Promise<V> {
    const e = this.map.get(key);
    if (e && e.until >= this.clock.now()) return e.value;
    const value = await load();
    this.set(key, value, value === undefined || value === null ? (missTtlMs ?? this.ttlMs) : this.ttlMs);
    return value;
  }
}
