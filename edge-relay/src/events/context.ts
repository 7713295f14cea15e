/**
 * What every part of the mapper shares while one AMI message is handled: the
 * configuration, the remembered state (calls, call-center records, queues,
 * wrap-ups, extension states), the message's time, and the output, which
 * keeps the push order of docs/event-mapping.md ("the message's own event,
 * then dialends in dial order, then ivr, then cc_cdr").
 */

import type { BoxEvent, DialEndEvent } from '../../../protocol/src/events/box-events.js';
import type { IvrMenu } from '../config/config.js';
import { CallCenter } from './callcenter.js';
import { TrunkMatcher } from './names.js';
import { QueueTable } from './queues.js';
import { RecentIds } from './recent-ids.js';
import { MapperState } from './state.js';
import type { EventMarks } from './spool-files.js';
import type { MessageTime } from './time.js';
import { Wrapups } from './wrapup.js';

export interface MapperConfig {
  mac: string;
  trunks: readonly string[];
  inboundContexts: readonly string[];
  feedbackContext?: string;
  timezone?: string;
  monitorDir: string;
  ivr: ReadonlyMap<string, IvrMenu>;
  pausetime: boolean;
  wrapupSeconds: number;
  /** How long a finished call is remembered for late Cdr events (message time). */
  finishedGraceSec?: number;
  /** A channel silent this long without a Hangup is expired. */
  channelMaxSilenceSec?: number;
  /**
   * The relay reads Asterisk's own records (`[pbx] cdr_csv`, `queue_log`):
   * channels that ended while it was not listening are handed over (a `gone`
   * command) to be closed from them, instead of at once with what is known.
   */
  closeGoneFromRecords?: boolean;
}

/** Side effects the relay must carry out for after-call work. */
export type { EventMarks } from './spool-files.js';

export type WrapupCommand =
  | { kind: 'pause'; member: string }
  | { kind: 'schedule-unpause'; member: string; delayMs: number }
  | { kind: 'cancel-unpause'; member: string };

/** What the mapper asks the relay to do besides pushing events (carried out by events/pipeline.ts). */
export type MapperCommand =
  | WrapupCommand
  /** Call completeTimeout(uniqueid) after delayMs unless AgentComplete came (the talk-time race). */
  | { kind: 'await-complete'; uniqueid: string; delayMs: number }
  /** A caller joined a queue the relay has never seen: ask QueueStatus for it. */
  | { kind: 'queue-status'; queue: string }
  /** These channels ended while the relay was not listening: close them (closeGone), from Asterisk's records when it can read them. */
  | { kind: 'gone'; uniqueids: string[] };


/** An event and the call (Linkedid) it belongs to, when it belongs to one. */
export interface MappedEvent {
  event: BoxEvent;
  call?: string;
  marks?: EventMarks;
}

export class Output {
  private own: MappedEvent[] = [];
  private dialends: Array<{ order: number; m: MappedEvent }> = [];
  private ivr: MappedEvent[] = [];
  private cc: MappedEvent[] = [];
  readonly commands: MapperCommand[] = [];
  /** Marks of everything output while set (a call closed after an outage, …). */
  marks?: EventMarks;

  /** `extra`: true (partial) or marks carried over from earlier (a record kept for its wrap-up). */
  private m(event: BoxEvent, call?: string, extra?: boolean | EventMarks): MappedEvent {
    const more = extra === true ? { partial: true } : extra || undefined;
    const marks = more ? { ...this.marks, ...more } : this.marks;
    return marks ? { event, call, marks } : { event, call };
  }
  own_(event: BoxEvent, call?: string, partial?: boolean): void {
    this.own.push(this.m(event, call, partial));
  }
  dialend(order: number, event: DialEndEvent, call?: string): void {
    this.dialends.push({ order, m: this.m(event, call) });
  }
  ivrEvent(event: BoxEvent, call?: string, partial?: boolean): void {
    this.ivr.push(this.m(event, call, partial));
  }
  ccCdr(event: BoxEvent, call?: string, extra?: boolean | EventMarks): void {
    this.cc.push(this.m(event, call, extra));
  }

  /** Output `fn`'s events with `marks`. */
  marked(marks: EventMarks, fn: () => void): void {
    const before = this.marks;
    this.marks = { ...before, ...marks };
    try {
      fn();
    } finally {
      this.marks = before;
    }
  }

  /** Events of this message in push order; resets the buffers. */
  drain(): MappedEvent[] {
    const out = [...this.own, ...this.dialends.sort((a, b) => a.order - b.order).map((d) => d.m), ...this.ivr, ...this.cc];
    this.own = [];
    this.dialends = [];
    this.ivr = [];
    this.cc = [];
    return out;
  }

  drainCommands(): MapperCommand[] {
    return this.commands.splice(0, this.commands.length);
  }
}

/** Last known state of an extension, to report changes missed while AMI was down. */
export interface ExtensionState {
  status: string;
  statustext: string;
  /** Mapper message number of the last update (0: a snapshot's or a checkpoint's). */
  updatedAt: number;
}

export class MapperContext {
  readonly trunks: TrunkMatcher;
  readonly inbound: ReadonlySet<string>;
  readonly state = new MapperState();
  readonly out = new Output();
  readonly queues = new QueueTable();
  readonly cc: CallCenter;
  readonly wrapups: Wrapups;
  readonly extensionStates = new Map<string, ExtensionState>();
  /** Uniqueids whose cdr (AMI Cdr or Master.csv row) was pushed lately, and callers whose cc_cdr was: what a backfill must not push again. */
  readonly seenCdr = new RecentIds();
  readonly seenCc = new RecentIds();
  /** Time of the message being handled. */
  time: MessageTime = { sec: 0, stamp: '0.000000' };
  /** Messages mapped so far; a snapshot notes it when requested, to tell newer channels apart. */
  messages = 0;
  /** The last message's time and when (relay clock) it arrived: one time base for work between messages. */
  clockBase?: { sec: number; atMs: number };

  constructor(readonly cfg: MapperConfig) {
    this.trunks = new TrunkMatcher(cfg.trunks);
    this.inbound = new Set(cfg.inboundContexts);
    this.cc = new CallCenter(this.queues);
    this.wrapups = new Wrapups(cfg.wrapupSeconds);
  }
}
