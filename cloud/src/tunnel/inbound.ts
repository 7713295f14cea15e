/**
 * What the cloud does with a relay's frames, whatever carries them (a local
 * WebSocket or an API Gateway $default invocation): store event batches and
 * ack them, track AMI status, answer pings. Replies to commands are matched
 * by the transport, which knows where callers wait.
 */

import { hopMarks, seqsOf } from '../../../protocol/src/hop-marks.js';
import type { Clock } from '../../../protocol/src/clock.js';
import type { BoxEvent } from '../../../protocol/src/events/box-events.js';
import { popUrlProblem } from '../../../protocol/src/box-api/pop-url.js';
import type { Logger } from '../../../protocol/src/log.js';
import { CloseCode, FatalErrorCode, PROTOCOL_VERSION, type AmiStatementT, type Capability, type CloudFrame, type ErrorFrameT, type EventsFrame, type HelloFrame, type StateFrame } from '../../../protocol/src/wire/frames.js';
import type { LiveService } from '../live/service.js';
import type { AmiStatement, RelaySiteSettings } from '../outages/policy.js';
import type { RelayPresence } from '../outages/presence.js';
import type { EventStore, OutboxEntry, StoredEvent } from '../store/events.js';

export interface RelayContext {
  siteId: string;
  tenantId: string;
  connectionId: string;
  send(frame: CloudFrame): Promise<void>;
  events: EventStore;
  presence: RelayPresence;
  clock: Clock;
  log: Logger;
  /** The site's live state; without it, state frames are ignored and welcome does not offer live-state. */
  live?: LiveService;
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

/** What this cloud offers in welcome: live-state when it keeps the state. A relay that does not name it sends none. */
export function welcomeCaps(live: LiveService | undefined): { caps?: Capability[] } {
  return live ? { caps: ['live-state'] } : {};
}

/** The seqs part of the answer to a hello: welcome with `ackedSeq`, or refuse with `frame`. */
export type SeqVerdict = { ok: true; ackedSeq: number } | { ok: false; frame: ErrorFrameT };

/**
 * Compare the relay's numbering with what the cloud stored for the site:
 * - its lastSeq is below the ack mark (its data directory was wiped or
 *   restored): everything it would send is at or below what the cloud
 *   already holds and would be dropped as a repeat. It is told so (a fatal
 *   `seq-regression` error with the mark), numbers what it has not delivered
 *   above the mark, and connects again; the site's relay.lastReason says so;
 * - its ackedSeq is above the mark: it will never send the seqs in between
 *   (a cloud added to a relay that ran LAN-only): the mark moves up to it.
 */
export async function checkSeq(events: EventStore, presence: Pick<RelayPresence, 'refused'>, siteId: string, hello: HelloFrame, log: Logger): Promise<SeqVerdict> {
  const mark = await events.ackedSeq(siteId);
  if (hello.lastSeq < mark) {
    log.error('relay numbers events below what this site already stored (data directory wiped or restored?): told to number above the mark', {
      mark,
      relayLastSeq: hello.lastSeq,
    });
    const message = `this site already stored events up to seq ${mark}; the relay's last seq is ${hello.lastSeq}: number undelivered events above ${mark}`;
    // The site resource says it too (relay.lastReason), for an operator who is not reading the logs.
    await presence.refused(siteId, `${FatalErrorCode.SEQ_REGRESSION}: ${message}`);
    return { ok: false, frame: { t: 'error', code: FatalErrorCode.SEQ_REGRESSION, message, fatal: true, mark } };
  }
  if (hello.ackedSeq !== undefined && hello.ackedSeq > mark) {
    log.info('relay starts above the site\'s mark (it keeps older events to itself): mark moved up', { mark, to: hello.ackedSeq });
    return { ok: true, ackedSeq: await events.raiseMark(siteId, hello.ackedSeq) };
  }
  return { ok: true, ackedSeq: mark };
}

/** Store a batch, then (and only then) ack the highest gap-free seq. */
export async function onEvents(ctx: RelayContext, frame: EventsFrame): Promise<number> {
  const { ackedSeq, fresh, outboxes } = await ctx.events.storeBatch(
    ctx.tenantId,
    ctx.siteId,
    frame.events.map((e) => ({ seq: e.seq, event: e.event as unknown as BoxEvent, call: e.call, recovered: e.recovered, partial: e.partial })),
    ctx.clock.now(),
  );
  hopMarks?.mark('cloud.stored', seqsOf(fresh));
  await ctx.send({ t: 'ack', seq: ackedSeq });
  if (outboxes.length > 0) ctx.afterStore?.(outboxes, fresh);
  return ackedSeq;
}

/** What a hello or status frame says about the relay's AMI side (a relay before amiChange: 0). */
export function statementOf(f: AmiStatementT): AmiStatement {
  return { connected: f.amiConnected, change: f.amiChange ?? 0, ...(f.amiReason ? { reason: f.amiReason } : {}) };
}

/**
 * What a hello says about the site: a pop_url the toolbar could not use (not
 * an http(s) URL, an unknown placeholder) is left out, and logged for the
 * operator, rather than shown to every agent as if it worked.
 */
export function settingsOf(hello: Pick<HelloFrame, 'popUrl' | 'wrapupSeconds'>, log: Logger): RelaySiteSettings {
  const settings: RelaySiteSettings = {};
  if (hello.popUrl !== undefined) {
    const problem = popUrlProblem(hello.popUrl);
    if (problem) log.warn("the relay's pop_url is not used", { reason: problem });
    else settings.popUrl = hello.popUrl;
  }
  if (hello.wrapupSeconds !== undefined) settings.wrapupSeconds = hello.wrapupSeconds;
  return settings;
}

export async function onStatus(ctx: RelayContext, frame: AmiStatementT): Promise<void> {
  await ctx.presence.ami(ctx.siteId, ctx.connectionId, statementOf(frame));
}

/** Why a relay's connection ended, in words for relay.offline and the site resource. */
export function disconnectReason(code: number | undefined, reason: string | undefined): string {
  if (code === CloseCode.TOKEN_REVOKED) return reason || 'relay token rotated';
  if (code === CloseCode.SERVER_RESTART) return 'the cloud restarted';
  if (code === 1000 || code === 1001) return reason ? `the relay closed its connection (${reason})` : 'the relay closed its connection';
  if (code === undefined || code === 1005 || code === 1006) return 'connection lost';
  return `connection closed (${code}${reason ? `: ${reason}` : ''})`;
}

/** A live-state frame: applied in order per site (store/live.ts); a gap asks the relay for a snapshot. */
export async function onState(ctx: RelayContext, frame: StateFrame): Promise<void> {
  if (!ctx.live) return;
  await ctx.live.onFrame({ tenantId: ctx.tenantId, siteId: ctx.siteId, connectionId: ctx.connectionId, send: ctx.send, log: ctx.log }, frame);
}
