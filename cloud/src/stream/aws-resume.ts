/**
 * What a stream connection gets on AWS after its $connect, where $connect
 * itself cannot post (the connection exists only once it answered): the
 * stream function's `resume` export, invoked asynchronously by $connect
 * (lambda/handlers/stream-socket.ts), replays the stored events after the
 * client's `after`, switches the subscription live, then sends each site's
 * full state (`&state=1`).
 *
 * No gap, no duplicate, without a hold list (docs/deploy.md "The event stream
 * on AWS"): each round reads `missed`, queries every replayed site's stored
 * events after its contiguous cursor (strongly consistent), posts the new
 * matching ones in seq order, then tries the switch on the condition that
 * `missed` did not move. An event stored before a round's query is the
 * replay's; one stored after it has its outbox read the subscription after
 * `missed` was read: resuming, it bumps `missed` (the switch fails, the next
 * round finds it) or, once live, it is posted by the outbox, which leaves
 * out the seqs the replay covered (`sent`, the same SentSeqs as the local
 * session: a seq stored below another after the last query is still posted).
 */

import { LogField } from '../../../protocol/src/log-fields.js';
import type { Logger } from '../../../protocol/src/log.js';
import { fullStateMessage } from '../live/publisher.js';
import type { AccountStore } from '../store/accounts.js';
import type { EventStore } from '../store/events.js';
import type { LiveStore } from '../store/live.js';
import { HANDSHAKE_WAITS_MS, type StreamConnections } from './aws-connections.js';
import { agentMessage } from './aws-state-publisher.js';
import { matchesStream } from './filter.js';
import { eventMessage } from './messages.js';
import { envelopeOf } from '../webhooks/envelope.js';
import { SentSeqs } from './sent-seqs.js';
import type { Subscription, SubscriptionStore } from './subscriptions.js';

/** What $connect hands the asynchronous invocation. */
export interface ResumeRequest {
  kind: 'stream-resume';
  tenantId: string;
  connectionId: string;
  /** `after` cannot be honoured (stream/open.ts): the connection is closed with `after-expired` and this. */
  expired?: string;
}

export function isResumeRequest(x: unknown): x is ResumeRequest {
  const r = x as Partial<ResumeRequest> | null;
  return r?.kind === 'stream-resume' && typeof r.tenantId === 'string' && typeof r.connectionId === 'string';
}

/** Starts the resume of a connection without waiting for it (lambda/invoke.ts: an asynchronous Lambda invocation). */
export interface ResumeInvoker {
  invoke(request: ResumeRequest): Promise<void>;
}

export interface AwsResumeDeps {
  subscriptions: SubscriptionStore;
  connections: StreamConnections;
  events: Pick<EventStore, 'after'>;
  live: Pick<LiveStore, 'get'>;
  accounts: Pick<AccountStore, 'listSites'>;
  logger: Logger;
}

/** Rounds of replay before giving up on catching up with a site that never pauses. */
export const MAX_RESUME_ROUNDS = 50;
/** Out-of-order seqs kept per site in the subscription (DynamoDB items stay far under 400 KB). */
export const MAX_SENT_ABOVE = 500;
/** Times the full state is read again, when it moved while it was being posted. */
const STATE_READS = 3;

export class AwsStreamResume {
  constructor(private readonly deps: AwsResumeDeps) {}

  async run({ tenantId, connectionId, expired }: ResumeRequest): Promise<void> {
    const { subscriptions, connections, logger } = this.deps;
    if (expired !== undefined) return connections.end(connectionId, 'after-expired', expired, HANDSHAKE_WAITS_MS);
    const log = logger.child({ [LogField.tenantId]: tenantId, [LogField.connectionId]: connectionId });
    const sub = await subscriptions.get(tenantId, connectionId);
    if (!sub) return;
    // The first post waits for API Gateway to finish the handshake.
    let waits: readonly number[] = HANDSHAKE_WAITS_MS;
    const post = async (msg: Parameters<StreamConnections['post']>[1]) => {
      const ok = await connections.post(connectionId, msg, waits);
      waits = [];
      return ok;
    };
    try {
      if (sub.resuming && !(await this.replay(sub, post))) return;
      if (sub.state && !(await this.sendState(sub, post))) return;
    } catch (err) {
      log.error('stream resume failed', { [LogField.error]: err });
      await connections.end(connectionId, 'internal', 'reading the stored events or the live state failed: reconnect with the same after').catch(() => undefined);
    }
  }

  /** False when the connection went away (or was closed) meanwhile. */
  private async replay(sub: Subscription, post: (msg: ReturnType<typeof eventMessage>) => Promise<boolean>): Promise<boolean> {
    const { subscriptions, events, connections } = this.deps;
    const cursors = sub.resuming ?? {};
    const sent = new SentSeqs(MAX_SENT_ABOVE);
    for (const [siteId, seq] of Object.entries(cursors)) sent.start(siteId, seq);
    let missed = sub.missed ?? 0;
    for (let round = 0; round < MAX_RESUME_ROUNDS; round++) {
      for (const siteId of Object.keys(cursors)) {
        for await (const e of events.after(siteId, sent.upTo(siteId) ?? cursors[siteId])) {
          if (!sent.mark(siteId, e.seq) || !matchesStream(sub.filter, e)) continue;
          if (!(await post(eventMessage(envelopeOf(e))))) return false;
        }
      }
      if (await subscriptions.goLive(sub.tenantId, sub.connectionId, missed, sent.toJSON())) return true;
      const now = await subscriptions.get(sub.tenantId, sub.connectionId);
      if (!now?.resuming) return false;
      missed = now.missed ?? 0;
    }
    await connections.end(sub.connectionId, 'too-slow', `the stored events could not be caught up with in ${MAX_RESUME_ROUNDS} rounds: reconnect with after=<the last event id received>`);
    return false;
  }

  /**
   * Each site's full state, then its changes (the relay socket posts those
   * once it sees `stateSent`, which is set first). A change applied while the
   * full state was read and posted may reach the client before it: the state
   * is read again, and posted again when it moved.
   */
  private async sendState(sub: Subscription, post: (msg: ReturnType<typeof fullStateMessage>) => Promise<boolean>): Promise<boolean> {
    const { subscriptions, accounts } = this.deps;
    if (!(await subscriptions.stateFollows(sub.tenantId, sub.connectionId))) return false;
    const sites = sub.filter.siteIds ?? (await accounts.listSites(sub.tenantId)).map((s) => s.id);
    const posted = new Map<string, string | undefined>();
    for (const siteId of sites) if (!(await this.postState(sub, siteId, posted, post))) return false;
    return true;
  }

  /** The site's full state when it moved since it was last posted, read again until it holds still (a few times). */
  private async postState(sub: Subscription, siteId: string, posted: Map<string, string | undefined>, post: (msg: ReturnType<typeof fullStateMessage>) => Promise<boolean>): Promise<boolean> {
    for (let i = 0; i < STATE_READS; i++) {
      const item = await this.deps.live.get(siteId);
      const version = item && `${item.conn}/${item.ver}/${item.online}`;
      if (!item || version === posted.get(siteId)) return true;
      const full = fullStateMessage(siteId, item);
      const shown = sub.filter.agentExtension === undefined ? full : agentMessage(sub.filter.agentExtension, full, undefined);
      if (shown && !(await post(shown))) return false;
      posted.set(siteId, version);
    }
    return true;
  }
}
