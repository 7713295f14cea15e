/**
 * The screen pop of one extension, from the stream's box events (README "The
 * box's events"): a `dialbegin` to the extension opens it, ringing, with the
 * caller's number, the queue the call came through and the IVR menus the
 * caller passed (the `ivr` events of the same call, which come before it);
 * the extension's `extensionstatus` going in use says it answered; `dialend`
 * ends it (`hangup`: the answered call is over; any other status: missed),
 * as does the caller's `hangup`. Pure, with bounded memory: only the latest calls' IVR paths are kept.
 *
 * The pop_url values are the box's own words: `caller` the caller's number,
 * `called` the extension rung (as the box's cc_cdr `called`), `uniqueid` the
 * call's id (the caller channel's uniqueid, as in every event of the call),
 * `queue` the queue it came through (empty when it did not).
 */

import type { PopUrlValues } from '../../../protocol/src/box-api/pop-url.js';
import type { LiveState } from '../../../protocol/src/live/state.js';
import { extensionOf } from './extension.js';

export interface IvrStep {
  id: string;
  name: string;
  /** The key pressed. */
  dtmf: string;
}

export type PopPhase = 'ringing' | 'answered' | 'missed' | 'ended';

export interface ScreenPop {
  uniqueid: string;
  caller: string;
  called: string;
  queue?: string;
  ivr: IvrStep[];
  phase: PopPhase;
  /** When it began to ring (the event's occurredAt). */
  at: string;
}

export interface PopModel {
  extension: string;
  pop?: ScreenPop;
  /** IVR steps and the queue they led to, of the latest calls, by the call's uniqueid (oldest first). */
  ivr: Array<{ uniqueid: string; steps: IvrStep[]; queue?: string }>;
}

/** Calls whose IVR path is remembered, and steps per call: what one agent's tab needs, no more. */
export const POP_LIMITS = { calls: 50, steps: 20 } as const;

export function emptyPopModel(extension: string): PopModel {
  return { extension, ivr: [] };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** The queue a call waits in or came through, as the live state says. */
export function queueOfCall(state: LiveState | undefined, uniqueid: string): string | undefined {
  if (!state) return undefined;
  for (const q of Object.values(state.queues)) if (q.callers[uniqueid]) return q.name;
  for (const c of Object.values(state.calls)) if (c.queue && c.channels.some((ch) => ch.uniqueid === uniqueid)) return c.queue;
  return undefined;
}

/** One event of the stream (its `data` is the box event) applied to the model. */
export function applyEvent(model: PopModel, event: { occurredAt: string; data: Record<string, unknown> }, live?: LiveState): PopModel {
  const d = event.data;
  switch (str(d.event)) {
    case 'ivr': {
      const uniqueid = str(d.uuid);
      if (!uniqueid) return model;
      const step: IvrStep = { id: str(d.ivrId), name: str(d.ivrName), dtmf: str(d.ivrDtmf) };
      const queue = str(d.queueCode) || undefined;
      const known = model.ivr.find((c) => c.uniqueid === uniqueid);
      const entry = { uniqueid, steps: [...(known?.steps ?? []), step].slice(-POP_LIMITS.steps), queue: queue ?? known?.queue };
      const ivr = [...model.ivr.filter((c) => c.uniqueid !== uniqueid), entry].slice(-POP_LIMITS.calls);
      const pop = model.pop?.uniqueid === uniqueid ? { ...model.pop, ivr: entry.steps, queue: model.pop.queue ?? entry.queue } : model.pop;
      return { ...model, ivr, pop };
    }
    case 'dialbegin': {
      const dest = str(d.destcalleridnum);
      if (dest !== model.extension && extensionOf(str(d.destchannel)) !== model.extension) return model;
      const uniqueid = str(d.uniqueid);
      // An Originate (click-to-call ringing the agent's own phone first) has no caller: nothing to pop.
      if (!uniqueid || !str(d.calleridnum)) return model;
      // The same call ringing the extension again (a queue's next round) keeps its pop.
      if (model.pop?.uniqueid === uniqueid && model.pop.phase === 'ringing') return model;
      const path = model.ivr.find((c) => c.uniqueid === uniqueid);
      const queue = queueOfCall(live, uniqueid) ?? path?.queue;
      const pop: ScreenPop = { uniqueid, caller: str(d.calleridnum), called: model.extension, ivr: path?.steps ?? [], phase: 'ringing', at: event.occurredAt, ...(queue ? { queue } : {}) };
      return { ...model, pop };
    }
    case 'extensionstatus': {
      const pop = model.pop;
      const status = Number(str(d.status));
      // In use (1) and no longer ringing (8): the extension took the call.
      if (!pop || pop.phase !== 'ringing' || str(d.exten) !== model.extension || !Number.isInteger(status) || (status & 1) === 0 || (status & 8) !== 0) return model;
      return { ...model, pop: { ...pop, phase: 'answered' } };
    }
    case 'dialend': {
      const pop = model.pop;
      if (!pop || (pop.phase !== 'ringing' && pop.phase !== 'answered') || str(d.uniqueid) !== pop.uniqueid) return model;
      if (str(d.destcalleridnum) !== model.extension && extensionOf(str(d.destchannel)) !== model.extension) return model;
      // `hangup`: the dial was answered and is now over; anything else (noanswer, busy, cancel): it never was.
      return { ...model, pop: { ...pop, phase: str(d.dialstatus) === 'hangup' ? 'ended' : 'missed' } };
    }
    case 'hangup': {
      const pop = model.pop;
      if (!pop || str(d.uniqueid) !== pop.uniqueid || pop.phase === 'ended' || pop.phase === 'missed') return model;
      return { ...model, pop: { ...pop, phase: 'ended' } };
    }
    default:
      return model;
  }
}

/**
 * The pop with the queue the live state knows for its call, when the pop has
 * none yet: the state and the events travel apart (state frames vs the stored
 * events' stream), so the queue a caller waits in can arrive just after the
 * `dialbegin` that rings the agent.
 */
export function popWithQueue(pop: ScreenPop | undefined, live: LiveState | undefined): ScreenPop | undefined {
  if (!pop || pop.queue) return pop;
  const queue = queueOfCall(live, pop.uniqueid);
  return queue ? { ...pop, queue } : pop;
}

/** How long an automatic open waits for a queue call's queue before opening the URL without it. */
export const QUEUE_WAIT_MS = 1000;

/** What the pop_url template is filled with. */
export function popValues(pop: ScreenPop): PopUrlValues {
  return { caller: pop.caller, called: pop.called, uniqueid: pop.uniqueid, queue: pop.queue ?? '' };
}

/** The template in force: the site's own, else the relay's pop_url. */
export function popTemplate(site: { popUrl?: string | null; relay?: { popUrl?: string | null } } | undefined): string | undefined {
  return site?.popUrl || site?.relay?.popUrl || undefined;
}
