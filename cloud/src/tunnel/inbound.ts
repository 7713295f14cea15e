/**
 * What the cloud does with a relay's frames, whatever carries them (a local
 * WebSocket or an API Gateway $default invocation): store event batches and
 * ack them, track AMI status, answer pings. Replies to commands are matched
 * by the transport, which knows where callers wait.
 */

import type { Clock } from '../../../protocol/src/clock.js';
import type { BoxEvent } from '../../../protocol/src/events/box-events.js';
import type { Logger } from '../../../protocol/src/log.js';
import { CloseCode, PROTOCOL_VERSION, type CloudFrame, type EventsFrame, type HelloFrame } from '../../../protocol/src/wire/frames.js';
import type { EventStore, OutboxEntry, StoredEvent } from '../store/events.js';
import type { RelayStore } from '../store/relays.js';

export interface RelayContext {
  siteId: string;
  tenantId: string;
  connectionId: string;
  send(frame: CloudFrame): Promise<void>;
  events: EventStore;
  relays: RelayStore;
  clock: Clock;
  log: Logger;
  /** After a batch is stored and acked: process its outbox entries (projections, webhooks). */
  afterStore?(outboxes: OutboxEntry[], fresh: StoredEvent[]): void;
}

/** Refuse a hello from another protocol version, with a reason the operator can act on. */
export function checkHello(hello: HelloFrame): { ok: true } | { ok: false; code: number; reason: string } {
  if (hello.v !== PROTOCOL_VERSION) {
    return {
      ok: false,
      code: CloseCode.VERSION_MISMATCH,
      reason: `protocol version ${hello.v} not supported; this cloud speaks ${PROTOCOL_VERSION}: upgrade the relay`,
    };
  }
  return { ok: true };
}

/** Store a batch, then (and only then) ack the highest gap-free seq. */
export async function onEvents(ctx: RelayContext, frame: EventsFrame): Promise<number> {
  const { ackedSeq, fresh, outboxes } = await ctx.events.storeBatch(
    ctx.tenantId,
    ctx.siteId,
    frame.events.map((e) => ({ seq: e.seq, event: e.event as unknown as BoxEvent, call: e.call })),
    ctx.clock.now(),
  );
  await ctx.send({ t: 'ack', seq: ackedSeq });
  if (outboxes.length > 0) ctx.afterStore?.(outboxes, fresh);
  return ackedSeq;
}

export async function onStatus(ctx: RelayContext, amiConnected: boolean): Promise<void> {
  await ctx.relays.setAmi(ctx.siteId, ctx.connectionId, amiConnected);
}
