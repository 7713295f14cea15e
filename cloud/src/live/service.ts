/**
 * What the cloud does with a site's live state, on both runtimes: apply the
 * relay's state frames to the site's item (store/live.ts), hand what was
 * applied to the publisher (the stream), ask the relay for a snapshot when a
 * delta finds a gap, mark the state offline when the relay's connection
 * closes, and answer GET …/live.
 */

import type { Clock } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import type { CloudFrame, StateFrame } from '../../../protocol/src/wire/frames.js';
import type { LiveItem, LiveStore } from '../store/live.js';
import type { RelayStore } from '../store/relays.js';
import type { LivePublisher, LiveStates } from './publisher.js';

export interface LiveFrameContext {
  tenantId: string;
  siteId: string;
  connectionId: string;
  send(frame: CloudFrame): Promise<void>;
  log: Logger;
}

export interface LiveServiceOptions {
  store: LiveStore;
  relays: RelayStore;
  publisher: LivePublisher;
  clock: Clock;
  /**
   * A delta that finds a gap waits this long, read again after each, for the
   * frame before it (concurrent Lambda invocations may store them in either
   * order) before asking for a snapshot. The local hub applies in order: 0.
   */
  gapWaitsMs?: readonly number[];
}

export type StaleReason = 'relay-offline' | 'no-state' | 'syncing' | 'ami-disconnected' | 'too-large';

export class LiveService {
  constructor(private readonly opts: LiveServiceOptions) {}

  async onFrame(ctx: LiveFrameContext, frame: StateFrame): Promise<void> {
    const { store, clock } = this.opts;
    let outcome = await store.apply(ctx.siteId, ctx.connectionId, frame, clock.now());
    for (const ms of this.opts.gapWaitsMs ?? []) {
      if (outcome.kind !== 'gap') break;
      await new Promise((r) => setTimeout(r, ms));
      await store.get(ctx.siteId);
      outcome = await store.apply(ctx.siteId, ctx.connectionId, frame, clock.now());
    }
    if (outcome.kind === 'gap') {
      ctx.log.info('live state gap: asking the relay for a snapshot', { ver: frame.ver, have: outcome.have });
      await ctx.send({ t: 'state-sync', reason: `delta ${frame.ver} does not follow ${outcome.have && outcome.have.conn === ctx.connectionId ? outcome.have.ver : 'a state of this connection'}` });
      return;
    }
    if (outcome.kind === 'old') return;
    // A snapshot in several frames reaches the stream whole, once its last frame is in.
    if (outcome.item.syncing) return;
    const { at, state } = outcome.item;
    const message = outcome.full ? { type: 'state' as const, siteId: ctx.siteId, at, full: state, online: true } : { type: 'state' as const, siteId: ctx.siteId, at, changes: frame.changes };
    await this.publish(ctx.tenantId, ctx.siteId, message, ctx.log, { before: outcome.before, after: state });
  }

  /** The relay's connection closed: its state stays, marked offline. */
  async offline(tenantId: string, siteId: string, connectionId: string, log: Logger): Promise<void> {
    const now = this.opts.clock.now();
    if (await this.opts.store.offline(siteId, connectionId, now)) {
      await this.publish(tenantId, siteId, { type: 'state', siteId, at: new Date(now).toISOString(), online: false }, log);
    }
  }

  /** GET …/live. */
  async view(siteId: string) {
    const [item, relay] = await Promise.all([this.opts.store.get(siteId), this.opts.relays.get(siteId)]);
    const online = relay !== undefined;
    const reason = staleReason(item, relay?.connectionId, relay?.amiConnected ?? false);
    const state = item?.state ?? { extensions: {}, calls: {}, queues: {} };
    return {
      siteId,
      at: item?.at ?? null,
      online,
      stale: reason !== undefined,
      ...(reason ? { reason } : {}),
      since: item?.since ?? null,
      amiConnected: relay?.amiConnected ?? false,
      ...state,
    };
  }

  private async publish(tenantId: string, siteId: string, message: Parameters<LivePublisher['publish']>[2], log: Logger, states?: LiveStates): Promise<void> {
    try {
      await this.opts.publisher.publish(tenantId, siteId, message, states);
    } catch (err) {
      log.warn('live state publish failed', { error: err });
    }
  }
}

function staleReason(item: LiveItem | undefined, connectionId: string | undefined, amiConnected: boolean): StaleReason | undefined {
  if (connectionId === undefined) return 'relay-offline';
  if (!item || item.conn !== connectionId || !item.online) return 'no-state';
  if (item.syncing) return 'syncing';
  if (item.tooLarge) return 'too-large';
  if (!amiConnected) return 'ami-disconnected';
  return undefined;
}
