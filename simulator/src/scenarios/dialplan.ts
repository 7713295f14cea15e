/**
 * The lab's extensions.conf as code: where a channel goes when it enters a
 * context/extension (a new call, an Originate, a Redirect), and the policy
 * that decides how the phones it dials behave.
 */

import type { Channel } from '../model/channel.js';
import { PHONE_ANSWER_DELAY_MS, PHONE_SELF_HANGUP_MS } from '../model/lab.js';
import type { Peer } from '../model/peers.js';
import { playbackApp, spyDialplan, unknownExtension } from './apps.js';
import type { CdrRecord } from './cdr.js';
import type { CallTrack, ScenarioContext } from './context.js';
import type { DialOutcome } from './dial.js';
import { internalExten } from './internal.js';
import { ivrMain, type IvrPlan } from './ivr.js';
import { queueDialplan, type QueuePlan } from './queue.js';
import type { Place, TalkPolicy } from './talk.js';
import type { Hanger } from './teardown.js';
import { fromTrunk, outboundRoute } from './trunk.js';

/** How the phones this call rings behave, and how the talk goes. */
export interface CallPolicy {
  /** Forced outcome of the call's (first) Dial; default: the dialled phone's lab behaviour. */
  outcome?: DialOutcome;
  ringMs?: number;
  /** Simulated talk time; Infinity: until the AMI ends it. */
  talkMs?: number;
  hangupBy?: Hanger;
  holdMs?: number;
  holdBy?: Hanger;
}

export interface RunEnv {
  track: CallTrack;
  /** CDR records of the channel running the dialplan; the last one is open. */
  cdrs: CdrRecord[];
  policy: CallPolicy;
  /** Talk time when the policy gives none (AMI-started calls last until hung up). */
  defaultTalkMs: number;
  ivr?: IvrPlan;
  queue?: QueuePlan;
}

export interface DialPlan {
  outcome: DialOutcome;
  ringMs: number;
  talk: TalkPolicy;
}

/** Resolve how a dial to `peer` goes: the policy first, then the phone's behaviour. */
export function planDial(peer: Peer, env: RunEnv): DialPlan {
  const p = env.policy;
  let outcome: DialOutcome;
  let talkMs = p.talkMs ?? env.defaultTalkMs;
  let hangupBy: Hanger = p.hangupBy ?? 'caller';
  if (p.outcome) outcome = p.outcome;
  else if (!peer.registered) outcome = 'unavailable';
  else if (peer.behaviour === 'busy') outcome = 'busy';
  else if (peer.behaviour === 'ring') outcome = 'noanswer';
  else outcome = 'answer';
  if (!p.outcome && peer.behaviour === 'answer-hangup' && p.talkMs === undefined) {
    talkMs = PHONE_SELF_HANGUP_MS;
    hangupBy = 'callee';
  }
  return {
    outcome,
    ringMs: p.ringMs ?? PHONE_ANSWER_DELAY_MS,
    talk: { talkMs, hangupBy, holdMs: p.holdMs, holdBy: p.holdBy },
  };
}

/**
 * Run the dialplan for `chan` from `place`. With `stale`, the Newexten of
 * `place` was already published (a Redirect does that) and execution goes on
 * from the next priority.
 */
export async function runPlace(ctx: ScenarioContext, chan: Channel, place: Place, env: RunEnv, stale = false): Promise<void> {
  const from = stale ? place.priority + 1 : place.priority;
  const { context, exten } = place;
  if (context === 'from-internal') {
    if (/^80\d$/.test(exten)) return internalExten(ctx, chan, exten, from, env);
    if (exten === '700' || exten === '630' || exten === '631') {
      const target: Place = exten === '700' ? { context: 'ivr-main', exten: 's', priority: 1 } : { context: 'queues', exten, priority: 1 };
      if (from <= 1) ctx.ch.newexten(chan, 'Goto', `${target.context},${target.exten},1`, { context, exten, priority: 1 });
      return runPlace(ctx, chan, target, env);
    }
    if (exten === '600' || exten === '601' || exten === '602') return playbackApp(ctx, chan, exten, from, env);
    if (/^555\d{3}$/.test(exten)) return spyDialplan(ctx, chan, exten, from, env);
    if (/^0\d+$/.test(exten)) return outboundRoute(ctx, chan, exten, from, env);
  }
  if (context === 'ivr-main') return ivrMain(ctx, chan, exten, from, env);
  if (context === 'queues' && (exten === '630' || exten === '631')) return queueDialplan(ctx, chan, exten, from, env);
  if (context === 'from-trunk') return fromTrunk(ctx, chan, exten, from, env);
  return unknownExtension(ctx, chan, env);
}

/** The open CDR record of the running channel. */
export function openCdr(env: RunEnv): CdrRecord {
  return env.cdrs[env.cdrs.length - 1];
}

/** Set(CDR(userfield)=…) applies to every record of the call so far. */
export function setUserField(env: RunEnv, value: string): void {
  for (const c of env.cdrs) c.userField = value;
}

/** Close the open record at `at` and start the next one (a failed Dial, a Redirect). */
export function forkCdr(env: RunEnv, at: number, answered: boolean): CdrRecord {
  const cur = openCdr(env);
  cur.end ??= at;
  const next = cur.fork(at);
  if (answered) next.answer = at;
  env.cdrs.push(next);
  return next;
}

/** Before emitting: every record shows the channel's final place; the open one also its last app. */
export function settleCdrs(env: RunEnv, chan: Channel): CdrRecord[] {
  const open = openCdr(env);
  for (const c of env.cdrs) {
    c.destination = chan.exten;
    c.destinationContext = chan.context;
  }
  if (open.end === undefined) open.follow(chan);
  return env.cdrs;
}

/** ast_exists_extension for the lab dialplan (Originate checks it before dialling). */
export function extensionExists(context: string, exten: string, priority: number): boolean {
  if (priority < 1) return false;
  switch (context) {
    case 'from-internal':
      return /^(80\d|700|630|631|600|601|602|555\d{3}|0\d+)$/.test(exten);
    case 'ivr-main':
      return /^(s|1|2|3|i|t)$/.test(exten);
    case 'queues':
      return exten === '630' || exten === '631';
    case 'from-trunk':
      return /^(4930555000|4930555630|4930555802)$/.test(exten);
    default:
      return false;
  }
}
