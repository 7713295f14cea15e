/**
 * One stream connection, apart from its transport: what it lets through
 * (its filter), the order and once-only-ness of what it sends, resuming from
 * `after`, and the bound on how far its client may fall behind.
 *
 * Resuming without a gap or a duplicate at the seam: the session is offered
 * live events from the moment it exists (the hub registers it before reading
 * the store) and holds them while the stored ones after `after` are sent;
 * then it sends what it held. Every event goes through SentSeqs, so one that
 * is both stored and held (or offered twice: the outbox may run an entry
 * again) goes out once. Ids are (site, seq), so "already sent" is a seq test.
 * Operational events (relay.offline, …) have no seq and are never stored
 * for `after`: they go out live only, once each by id (the last few kept).
 *
 * A slow client never slows the event path: `offer` only appends to the
 * transport's buffer and never waits; when the buffer passes its bound (in
 * bytes or messages) the connection is closed with `too-slow` and the client
 * resumes with `after`. Only the resume itself waits for room, as it reads
 * the store at its own pace.
 */

import { hopMarks } from '../../../protocol/src/hop-marks.js';
import type { Clock } from '../../../protocol/src/clock.js';
import type { StoredEvent } from '../store/events.js';
import { envelopeOf, isBoxEvent, type TenantEvent } from '../webhooks/envelope.js';
import { ExtensionLiveView } from '../live/agent-view.js';
import { matchesStream, type StreamFilter } from './filter.js';
import { SentSeqs } from './sent-seqs.js';
import { closeMessage, eventMessage, STREAM_CLOSE, type StateMessage, type StreamCloseReason, type StreamLimits, type StreamMessage } from './messages.js';

/** What a session needs of its connection (a `ws` socket locally; API Gateway's management API on AWS). */
export interface StreamTransport {
  send(text: string): void;
  /** What was handed to send() and has not left yet. */
  buffered(): { bytes: number; messages: number };
  close(code: number, reason: string): void;
}

export { SentSeqs };

/** Operational event ids a session remembers having sent. */
const MAX_SENT_OPS = 64;

export interface SessionOptions {
  tenantId: string;
  filter: StreamFilter;
  /** The site's state first, then its changes (`&state=1`). */
  state: boolean;
  limits: StreamLimits;
  clock: Clock;
  onClose?: (reason: StreamCloseReason | 'client') => void;
}

export class StreamSession {
  private phase: 'resuming' | 'live' | 'closed' = 'resuming';
  private held: TenantEvent[] = [];
  /** Ids of the operational events sent lately (an outbox entry may run twice). */
  private readonly sentOps = new Set<string>();
  /** State messages held until each site's full state went out (`&state=1`). */
  private heldState: StateMessage[] | undefined = [];
  private readonly sent = new SentSeqs();
  /** An agent link's stream: each site's state reduced to its extension. */
  private readonly agentViews = new Map<string, ExtensionLiveView>();

  constructor(
    private readonly transport: StreamTransport,
    readonly opts: SessionOptions,
  ) {}

  get closed(): boolean {
    return this.phase === 'closed';
  }

  get tenantId(): string {
    return this.opts.tenantId;
  }

  /** Live events from the event path: never waits, never throws. */
  offer(events: readonly TenantEvent[]): void {
    for (const e of events) {
      if (this.phase === 'closed') return;
      if (e.tenantId !== this.opts.tenantId || !matchesStream(this.opts.filter, e)) continue;
      if (this.phase === 'resuming') {
        this.held.push(e);
        if (this.held.length > this.opts.limits.maxBufferedMessages) this.end('too-slow', `more than ${this.opts.limits.maxBufferedMessages} live events arrived while resuming`);
      } else this.deliver(e);
    }
  }

  /** A state message of a site (sent only to sessions that asked for state, after its full state). */
  offerState(msg: StateMessage): void {
    if (this.phase === 'closed' || !this.opts.state) return;
    if (this.opts.filter.siteIds && !this.opts.filter.siteIds.includes(msg.siteId)) return;
    if (this.heldState) {
      this.heldState.push(msg);
      if (this.heldState.length > this.opts.limits.maxBufferedMessages) this.end('too-slow', 'too many state changes arrived while the state was read');
    } else this.writeState(msg);
  }

  /**
   * Each site's full state first, then the changes offered meanwhile. A change
   * may already be in the full state read; changes are upserts and removals
   * by key, so applying it again changes nothing.
   */
  async sendState(sites: readonly string[], read: (siteId: string) => Promise<StateMessage | undefined>): Promise<void> {
    for (const siteId of sites) {
      const full = await read(siteId);
      if (this.phase === 'closed') return;
      if (full) this.writeState(full);
    }
    const held = this.heldState ?? [];
    this.heldState = undefined;
    for (const msg of held) if (this.phase !== 'closed') this.writeState(msg);
  }

  /** A state message as this stream shows it: whole, or (an agent link's) reduced to its extension, in the order written. */
  private writeState(msg: StateMessage): void {
    const extension = this.opts.filter.agentExtension;
    if (extension === undefined) return this.write(msg);
    let view = this.agentViews.get(msg.siteId);
    if (!view) this.agentViews.set(msg.siteId, (view = new ExtensionLiveView(extension)));
    const shown = view.next(msg);
    if (shown) this.write(shown);
  }

  ping(): void {
    if (this.phase !== 'closed') this.write({ type: 'ping' });
  }

  /**
   * Send the stored events after each `after` seq, in seq order per site, then
   * go live with what was held meanwhile. `read` yields a site's stored events
   * after a seq, in order.
   */
  async resume(after: ReadonlyMap<string, number>, read: (siteId: string, afterSeq: number) => AsyncIterable<StoredEvent>): Promise<void> {
    for (const [siteId, seq] of after) this.sent.start(siteId, seq);
    for (const [siteId, seq] of after) {
      for await (const e of read(siteId, seq)) {
        if (this.phase === 'closed') return;
        if (!matchesStream(this.opts.filter, e)) continue;
        await this.room();
        this.deliver(e);
      }
    }
    this.goLive();
  }

  /** Nothing to resume: live from now. */
  goLive(): void {
    if (this.phase !== 'resuming') return;
    this.phase = 'live';
    const held = this.held;
    this.held = [];
    for (const e of held) this.deliver(e);
  }

  /** Close with a reason of STREAM_CLOSE, telling the client first. */
  end(reason: StreamCloseReason, message: string): void {
    if (this.phase === 'closed') return;
    this.transport.send(JSON.stringify(closeMessage(reason, message)));
    this.phase = 'closed';
    this.held = [];
    this.transport.close(STREAM_CLOSE[reason].code, reason);
    this.opts.onClose?.(reason);
  }

  /** The client went away. */
  gone(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.held = [];
    this.opts.onClose?.('client');
  }

  private deliver(e: TenantEvent): void {
    if (!isBoxEvent(e)) return this.deliverOperational(e);
    if (!this.sent.mark(e.siteId, e.seq)) return;
    this.write(eventMessage(envelopeOf(e)));
    hopMarks?.mark('stream.sent', [e.seq]);
  }

  private deliverOperational(e: TenantEvent): void {
    if (this.sentOps.has(e.id)) return;
    this.sentOps.add(e.id);
    if (this.sentOps.size > MAX_SENT_OPS) this.sentOps.delete(this.sentOps.values().next().value!);
    this.write(eventMessage(envelopeOf(e), false));
  }

  private write(msg: StreamMessage): void {
    this.transport.send(JSON.stringify(msg));
    const { bytes, messages } = this.transport.buffered();
    const l = this.opts.limits;
    if (bytes > l.maxBufferedBytes || messages > l.maxBufferedMessages) this.end('too-slow', `the client fell behind: ${messages} messages (${bytes} bytes) not yet taken`);
  }

  /** While resuming, wait for the client to take half of its buffer. */
  private async room(): Promise<void> {
    const l = this.opts.limits;
    while (this.phase !== 'closed') {
      const { bytes, messages } = this.transport.buffered();
      if (bytes <= l.maxBufferedBytes / 2 && messages <= l.maxBufferedMessages / 2) return;
      await new Promise<void>((r) => this.opts.clock.setTimeout(r, 10));
    }
  }
}
