/**
 * What every part of the mapper shares while one AMI message is handled: the
 * configuration, the remembered state, the message's time, and the output,
 * which keeps the push order of docs/event-mapping.md ("the message's own
 * event, then dialends in dial order, then ivr, then cc_cdr").
 */

import type { BoxEvent, DialEndEvent } from '../../../protocol/src/events/box-events.js';
import type { IvrMenu } from '../config/config.js';
import { TrunkMatcher } from './names.js';
import type { MapperState } from './state.js';
import type { MessageTime } from './time.js';

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
}

/** Side effects the relay must carry out for after-call work. */
export type WrapupCommand =
  | { kind: 'pause'; member: string }
  | { kind: 'schedule-unpause'; member: string; delayMs: number }
  | { kind: 'cancel-unpause'; member: string };

/** An event and the call (Linkedid) it belongs to, when it belongs to one. */
export interface MappedEvent {
  event: BoxEvent;
  call?: string;
}

export class Output {
  private own: MappedEvent[] = [];
  private dialends: Array<{ order: number; m: MappedEvent }> = [];
  private ivr: MappedEvent[] = [];
  private cc: MappedEvent[] = [];
  readonly commands: WrapupCommand[] = [];

  own_(event: BoxEvent, call?: string): void {
    this.own.push({ event, call });
  }
  dialend(order: number, event: DialEndEvent, call?: string): void {
    this.dialends.push({ order, m: { event, call } });
  }
  ivrEvent(event: BoxEvent, call?: string): void {
    this.ivr.push({ event, call });
  }
  ccCdr(event: BoxEvent, call?: string): void {
    this.cc.push({ event, call });
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

  drainCommands(): WrapupCommand[] {
    return this.commands.splice(0, this.commands.length);
  }
}

export class MapperContext {
  readonly trunks: TrunkMatcher;
  readonly inbound: ReadonlySet<string>;
  /** Time of the message being handled. */
  time: MessageTime = { sec: 0, stamp: '0.000000' };

  constructor(
    readonly cfg: MapperConfig,
    readonly state: MapperState,
    readonly out: Output,
  ) {
    this.trunks = new TrunkMatcher(cfg.trunks);
    this.inbound = new Set(cfg.inboundContexts);
  }
}
