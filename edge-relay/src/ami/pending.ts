/**
 * The actions in flight on one AMI session, without the socket: ActionIDs,
 * deadlines, the items of an EventList, completion, and failing them all when
 * the session drops. The client writes the bytes and hands back what Asterisk
 * answered; everything here runs on the injected clock.
 *
 * Asterisk answers a session's actions one at a time, in order, and echoes
 * the ActionID. A list action answers `Response: Success` with
 * `EventList: start`, then its items (events carrying the ActionID), then an
 * event with `EventList: Complete`.
 */

import type { Clock, TimerHandle } from '../../../protocol/src/clock.js';
import { amiError, type AmiError } from './errors.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';

/** What Asterisk answered: the Response, plus the list items for EventList actions. */
export interface AmiReply {
  response: AmiMessage;
  /** Items of an EventList (start → items → `…Complete`), the Complete event excluded. */
  events: AmiMessage[];
  /** The `…Complete` event of an EventList, if there was one. */
  complete?: AmiMessage;
}

export interface PendingActionsOptions {
  clock: Clock;
  /** Prefix of our ActionIDs, unique to this client: an id without it is not an answer to us. */
  idPrefix: string;
  /**
   * During login, take an answer carrying someone else's ActionID as the
   * answer to our handshake, and that id as ours from then on. Only a server
   * replaying a recorded session (which sends the recorder's ids) needs this;
   * off, such an answer is ignored like any foreign one.
   */
  adoptForeignIds?: boolean;
}

/** What became of a Response: it answered one of ours, or it was someone else's, or too late. */
export type ResponseOutcome = 'ours' | 'foreign' | 'unknown';

interface InFlight {
  action: string;
  actionId: string;
  resolve: (reply: AmiReply) => void;
  reject: (err: AmiError) => void;
  timer: TimerHandle;
  /** The `EventList: start` response, once it came; items follow. */
  response?: AmiMessage;
  events: AmiMessage[];
}

export class PendingActions {
  private seq = 0;
  private readonly inFlight = new Map<string, InFlight>();
  /** Send order, for answers that arrive without a usable ActionID (see response()). */
  private order: string[] = [];
  /** Foreign ActionIDs adopted during login, → our id. */
  private readonly aliases = new Map<string, string>();

  constructor(private readonly opts: PendingActionsOptions) {}

  /** Actions waiting for their answer. */
  get size(): number {
    return this.inFlight.size;
  }

  /** A fresh ActionID of ours. */
  nextId(): string {
    return this.opts.idPrefix + (++this.seq).toString(36);
  }

  /** Wait for the answer to `action`, sent as `actionId`; AMI_TIMEOUT after `timeoutMs`. */
  add(action: string, actionId: string, timeoutMs: number): Promise<AmiReply> {
    return new Promise<AmiReply>((resolve, reject) => {
      const timer = this.opts.clock.setTimeout(() => {
        if (!this.inFlight.has(actionId)) return;
        this.forget(actionId);
        reject(amiError('AMI_TIMEOUT', `Asterisk did not answer ${action} within ${timeoutMs} ms`, { action, actionId }));
      }, timeoutMs);
      this.inFlight.set(actionId, { action, actionId, resolve, reject, timer, events: [] });
      this.order.push(actionId);
    });
  }

  /** A Response from Asterisk; `duringLogin` while only our login handshake can be in flight. */
  response(msg: AmiMessage, duringLogin: boolean): ResponseOutcome {
    let id = msg.actionId;
    const foreign = id !== undefined && !id.startsWith(this.opts.idPrefix);
    if (id === undefined || (foreign && duringLogin && this.opts.adoptForeignIds)) {
      // Answers come in send order, so one without an ActionID belongs to
      // the oldest action still unanswered (and, during login, so does one
      // with a recorder's id).
      const adopted = this.order.find((candidate) => !this.inFlight.get(candidate)?.response);
      if (adopted === undefined) return 'unknown';
      if (id !== undefined) this.aliases.set(id, adopted);
      id = adopted;
    } else if (foreign) {
      // Not ours, and not safely attributable: never let it settle one of our actions.
      return 'foreign';
    }
    // An id of ours we no longer track is a late answer to a timed-out
    // action: dropped, its caller already has AMI_TIMEOUT.
    const p = this.inFlight.get(id);
    if (!p) return 'unknown';
    if (isEventList(msg, 'start')) p.response = msg;
    else this.settle(p, msg);
    return 'ours';
  }

  /** An event carrying an ActionID: true when it was an item (or the end) of one of our lists. */
  listEvent(msg: AmiMessage): boolean {
    let id = msg.actionId;
    if (id === undefined) return false;
    if (!id.startsWith(this.opts.idPrefix)) id = this.aliases.get(id) ?? id;
    const p = this.inFlight.get(id);
    if (!p?.response) return false;
    if (isEventList(msg, 'complete')) this.settle(p, p.response, msg);
    else p.events.push(msg);
    return true;
  }

  /**
   * The session is gone: every action in flight fails, never left hanging.
   * Its outcome is unknown (AMI_CONNECTION_LOST), unless the client was
   * closed or the login refused, which say so themselves.
   */
  failAll(err: AmiError): void {
    const pending = [...this.inFlight.values()];
    this.inFlight.clear();
    this.order = [];
    this.aliases.clear();
    for (const p of pending) {
      this.opts.clock.clearTimeout(p.timer);
      const lost =
        err.code === 'AMI_CLOSED' || err.code === 'AMI_AUTH_FAILED'
          ? err
          : amiError('AMI_CONNECTION_LOST', `AMI connection lost while ${p.action} was in flight; its outcome is unknown`, {
              action: p.action,
              actionId: p.actionId,
            });
      p.reject(lost);
    }
  }

  private settle(p: InFlight, response: AmiMessage, complete?: AmiMessage): void {
    this.forget(p.actionId);
    this.opts.clock.clearTimeout(p.timer);
    if (response.response.toLowerCase() === 'error') {
      const message = response.get('Message') ?? 'error';
      p.reject(amiError('AMI_ACTION_FAILED', `Asterisk refused ${p.action}: ${message}`, { action: p.action, actionId: p.actionId, amiMessage: message }));
      return;
    }
    p.resolve({ response, events: p.events, complete });
  }

  private forget(actionId: string): void {
    this.inFlight.delete(actionId);
    for (const [foreign, own] of this.aliases) if (own === actionId) this.aliases.delete(foreign);
    const idx = this.order.indexOf(actionId);
    if (idx >= 0) this.order.splice(idx, 1);
  }
}

function isEventList(msg: AmiMessage, phase: 'start' | 'complete'): boolean {
  return msg.get('EventList')?.toLowerCase() === phase;
}
