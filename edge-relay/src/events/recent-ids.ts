/**
 * Ids seen lately, with when: uniqueids whose cdr or cc_cdr the relay has
 * pushed, so that reading Asterisk's own records after an outage does not
 * push them again. Bounded by age and by count (oldest forgotten first);
 * what was added since the last checkpoint is kept apart for the journal.
 */

export type RecentEntry = [id: string, sec: number];

export class RecentIds {
  private readonly ids = new Map<string, number>();
  private added: RecentEntry[] = [];

  constructor(
    private readonly maxAgeSec = 3600,
    private readonly maxSize = 50_000,
  ) {}

  add(id: string, sec: number): void {
    if (!id) return;
    this.ids.delete(id);
    this.ids.set(id, sec);
    this.added.push([id, sec]);
    if (this.ids.size > this.maxSize) this.ids.delete(this.ids.keys().next().value!);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Forget ids older than the bound. */
  prune(nowSec: number): void {
    for (const [id, sec] of this.ids) {
      if (nowSec - sec <= this.maxAgeSec) break;
      this.ids.delete(id);
    }
  }

  get changed(): boolean {
    return this.added.length > 0;
  }

  /** What was added since the last call. */
  takeAdded(): RecentEntry[] {
    const out = this.added;
    this.added = [];
    return out;
  }

  entries(): RecentEntry[] {
    return [...this.ids];
  }

  /** Add entries back (a checkpoint, then the journal's deltas), without counting them as changes. */
  load(entries: readonly RecentEntry[]): void {
    for (const [id, sec] of entries) {
      this.ids.delete(id);
      this.ids.set(id, sec);
    }
    while (this.ids.size > this.maxSize) this.ids.delete(this.ids.keys().next().value!);
  }

  get size(): number {
    return this.ids.size;
  }
}
