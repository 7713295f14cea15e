/**
 * Which seqs of each site a stream connection has had: all up to `upTo`, and
 * `above` beyond it (seqs stored above a gap: on AWS a site's batches may be
 * stored out of seq order, README "Limits"). Ids are (site, seq), so "already
 * sent" is a seq test. The local session keeps one in memory; on AWS the
 * resume writes its own into the subscription (stream/subscriptions.ts) and
 * the outbox reads it to know what the replay already posted. Pure.
 */

/** A site's part, as stored. */
export interface SentSite {
  upTo: number;
  above: number[];
}

export class SentSeqs {
  private readonly sites = new Map<string, { upTo: number; above: Set<number> }>();
  /** Out-of-order seqs remembered per site at most (beyond: the oldest gap is given up). */
  static readonly MAX_ABOVE = 4096;

  constructor(private readonly maxAbove = SentSeqs.MAX_ABOVE) {}

  static fromJSON(json: Readonly<Record<string, SentSite>>, maxAbove?: number): SentSeqs {
    const s = new SentSeqs(maxAbove);
    for (const [siteId, { upTo, above }] of Object.entries(json)) s.sites.set(siteId, { upTo, above: new Set(above) });
    return s;
  }

  toJSON(): Record<string, SentSite> {
    return Object.fromEntries([...this.sites].map(([siteId, s]) => [siteId, { upTo: s.upTo, above: [...s.above].sort((a, b) => a - b) }]));
  }

  /** Everything of the site up to `seq` counts as sent (the client's `after`). */
  start(siteId: string, seq: number): void {
    this.sites.set(siteId, { upTo: seq, above: new Set() });
  }

  /** Where the site's contiguous run ends (undefined: the site is not followed from a cursor). */
  upTo(siteId: string): number | undefined {
    return this.sites.get(siteId)?.upTo;
  }

  /** Whether the seq was had (false for a site never started or marked). */
  has(siteId: string, seq: number): boolean {
    const s = this.sites.get(siteId);
    return s !== undefined && (seq <= s.upTo || s.above.has(seq));
  }

  /** True when the event is new (and marks it sent); false for a repeat. */
  mark(siteId: string, seq: number): boolean {
    const s = this.sites.get(siteId);
    if (!s) {
      this.sites.set(siteId, { upTo: seq, above: new Set() });
      return true;
    }
    if (seq <= s.upTo || s.above.has(seq)) return false;
    s.above.add(seq);
    while (s.above.delete(s.upTo + 1)) s.upTo++;
    if (s.above.size > this.maxAbove) {
      s.upTo = Math.max(...s.above);
      s.above.clear();
    }
    return true;
  }
}
