/**
 * The PBX simulator's public API: an AMI server over real TCP that behaves
 * like the lab's Asterisk 20, plus drivers that play the lab's call scenarios
 * and switches for the failures a relay must survive.
 *
 *   const sim = await startSimulator({ port: 0, timeScale: 0.01 });
 *   await sim.call('801', '802');            // call-answered-basic
 *   await sim.close();
 */

import type { AmiMessage } from '../../ami-codec/src/message.js';
import type { Clock } from '../../protocol/src/clock.js';
import { systemClock } from '../../protocol/src/clock.js';
import type { Logger } from '../../protocol/src/log.js';
import { silentLogger } from '../../protocol/src/log.js';
import type { AmiUser } from './ami/session.js';
import { SimulatorCore } from './core.js';
import type { PhoneConfig, Tech } from './model/lab.js';
import type { PbxStateView } from './model/pbx.js';
import { ScenarioError, type CallResult } from './scenarios/context.js';
import type { DialOutcome } from './scenarios/dial.js';
import { extensionExists, type CallPolicy } from './scenarios/dialplan.js';
import { DEFAULT_TALK_MS, phoneCall } from './scenarios/internal.js';
import type { IvrPlan } from './scenarios/ivr.js';
import type { QueuePlan } from './scenarios/queue.js';
import { register, unregister } from './scenarios/registration.js';
import { trunkInbound } from './scenarios/trunk.js';
import { AmiServer } from './server.js';

export type { CallResult, CallOutcome } from './scenarios/context.js';
export type { PbxStateView, DeviceState } from './model/pbx.js';
export type { Tech, PhoneConfig, PhoneBehaviour } from './model/lab.js';
export type { QueuePlan } from './scenarios/queue.js';
export { ScenarioError } from './scenarios/context.js';
export { SimulatorClosedError } from './scenarios/runtime.js';
export { SimulatorRestartedError } from './core.js';

export interface SimulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Channel driver to imitate: chan_sip (`SIP`, default) or chan_pjsip (`PJSIP`). */
  tech?: Tech;
  /** AMI accounts; default admin/secret. */
  users?: AmiUser[];
  /** Where MixMonitor recordings are written (small silent WAVs); unset: named but not written. */
  monitorDir?: string;
  /** Add `Timestamp:` to events (manager.conf timestampevents=yes). */
  timestampEvents?: boolean;
  /** Multiplies every scenario delay (0.01 in tests); the PBX's clock runs 1/timeScale as fast. */
  timeScale?: number;
  /**
   * Reported durations exact even on a loaded machine (tests comparing two
   * runs): the PBX clock tolerates late timers and idles in steps (see
   * model/sim-clock.ts). Off by default: the clock then follows real time closely.
   */
  steadyClock?: boolean;
  clock?: Clock;
  logger?: Logger;
  /** Real ms before a failed login is answered; default 1 s of simulated time. */
  loginFailDelayMs?: number;
  /** Talk time of calls started through the AMI (Originate); default: until hung up. */
  amiCallTalkMs?: number;
  /** Simulated ms the PBX stays down during restart(); default 2000. */
  restartDownMs?: number;
  /**
   * Simulated ms after restart() during which the PBX accepts logins but has
   * not fully booted: QueueStatus is an unknown command, ExtensionStateList
   * lists no hints, and FullyBooted comes when it is over. Default 0.
   */
  restartBootMs?: number;
  /** Override lab phones (registration, behaviour when rung, DTMF mode). */
  phones?: Record<string, Partial<PhoneConfig>>;
  /** Append every CDR to this Master.csv, as cdr_csv does (loguniqueid, loguserfield, local time). */
  cdrCsvPath?: string;
  /** Append app_queue's lines to this queue_log, as Asterisk does. */
  queueLogPath?: string;
  /** Sees every message a session reads, before anything is done with it (tests check what reaches the PBX). */
  onAction?: (action: AmiMessage) => void;
}

export interface CallOptions {
  /** How the dialled phone reacts; default its lab behaviour (805 busy, 803/806 ring, 807/809 unregistered). */
  outcome?: DialOutcome;
  /** Simulated ms of ringing before the answer (or before the caller cancels). */
  ringMs?: number;
  /** Simulated ms of talk; Infinity keeps the call up until the AMI hangs it up. */
  talkMs?: number;
  /** Put the call on hold for this long during the talk (Hold/Unhold events). */
  holdMs?: number;
  holdBy?: 'caller' | 'callee';
  hangupBy?: 'caller' | 'callee';
}

export interface QueueCallOptions extends QueuePlan {}

export interface IvrCallOptions {
  dtmf?: 'rfc2833' | 'info';
  /** Simulated ms the caller waits before each key, by index (default: the lab's pace). */
  delaysMs?: number[];
  /** What happens after the IVR: options of the operator call (3) or the queue (1). */
  then?: CallOptions & { queue?: QueuePlan };
}

export interface TrunkInboundOptions extends CallOptions {
  /** DTMF the caller sends when the DID leads to the IVR. */
  ivr?: { digits: string; dtmf?: 'rfc2833' | 'info' };
  /** Queue behaviour when the DID (or the IVR) leads to a queue. */
  queue?: QueuePlan;
}

function policyOf(o: CallOptions = {}): CallPolicy {
  return { outcome: o.outcome, ringMs: o.ringMs, talkMs: o.talkMs, holdMs: o.holdMs, holdBy: o.holdBy, hangupBy: o.hangupBy };
}

export class PbxSimulator {
  readonly host: string;
  private readonly core: SimulatorCore;
  private readonly server: AmiServer;
  private readonly options: SimulatorOptions;
  private closed = false;

  /** Use startSimulator(). */
  constructor(options: SimulatorOptions) {
    this.options = options;
    this.host = options.host ?? '127.0.0.1';
    const timeScale = options.timeScale ?? 1;
    const logger = options.logger ?? silentLogger;
    this.core = new SimulatorCore({
      tech: options.tech ?? 'SIP',
      clock: options.clock ?? systemClock,
      timeScale,
      logger,
      monitorDir: options.monitorDir,
      amiCallTalkMs: options.amiCallTalkMs ?? Infinity,
      phones: options.phones,
      records: { cdrCsvPath: options.cdrCsvPath, queueLogPath: options.queueLogPath },
      steadyClock: options.steadyClock,
    });
    this.server = new AmiServer(this.core, {
      host: this.host,
      port: options.port ?? 0,
      users: options.users ?? [{ username: 'admin', secret: 'secret' }],
      logger,
      loginFailDelayMs: options.loginFailDelayMs ?? 1000 * timeScale,
      timestampEvents: options.timestampEvents ?? false,
      onAction: options.onAction,
    });
  }

  async start(): Promise<this> {
    await this.server.listen();
    return this;
  }

  get port(): number {
    return this.server.port;
  }

  get tech(): Tech {
    return this.core.tech;
  }

  /** Read-only snapshot of channels, bridges, peers, queues, AstDB and globals. */
  get state(): PbxStateView {
    return this.core.pbx.view();
  }

  /** Logged-in or not, how many AMI connections are open. */
  get sessionCount(): number {
    return this.server.sessionCount;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.core.abortAll(true);
    await this.server.close();
    await this.core.settle();
  }

  /** Extension `from` dials `to` (80X internal; 700 IVR, 630/631 queues and 0… outbound also work). */
  call(from: string, to: string, opts: CallOptions = {}): Promise<CallResult> {
    if (!extensionExists('from-internal', to, 1)) return Promise.reject(new ScenarioError('SIM_UNKNOWN_EXTENSION', `no extension ${to} in from-internal`));
    return this.core.runCall(`call ${from}->${to}`, (ctx) => phoneCall(ctx, from, to, policyOf(opts), opts.talkMs ?? DEFAULT_TALK_MS));
  }

  /** Extension `from` calls queue 630 or 631. Defaults follow queue-answered: 803 rings out, 804 answers. */
  queueCall(from: string, queue: string, opts: QueueCallOptions = {}): Promise<CallResult> {
    if (queue !== '630' && queue !== '631') return Promise.reject(new ScenarioError('SIM_UNKNOWN_EXTENSION', `no queue ${queue}`));
    return this.core.runCall(`queue ${from}->${queue}`, (ctx) => phoneCall(ctx, from, queue, { talkMs: opts.talkMs }, 10_000, { queue: opts }));
  }

  /** Extension `from` calls the IVR (700) and presses `digits` (e.g. `921234#` as in ivr-dtmf-rfc2833). */
  ivrCall(from: string, digits: string, opts: IvrCallOptions = {}): Promise<CallResult> {
    const ivr: IvrPlan = { digits, dtmf: opts.dtmf ?? 'rfc2833', delaysMs: opts.delaysMs };
    return this.core.runCall(`ivr ${from}`, (ctx) => phoneCall(ctx, from, '700', policyOf(opts.then), opts.then?.talkMs ?? DEFAULT_TALK_MS, { ivr, queue: opts.then?.queue }));
  }

  /** The provider delivers a call from `callerNumber` to DID `did` (4930555000 IVR, 4930555630 queue, 4930555802 ext 802). */
  trunkInbound(callerNumber: string, did: string, opts: TrunkInboundOptions = {}): Promise<CallResult> {
    const extras = { ivr: opts.ivr ? { digits: opts.ivr.digits, dtmf: opts.ivr.dtmf ?? 'rfc2833' } : undefined, queue: opts.queue };
    return this.core.runCall(`trunk ${callerNumber}->${did}`, (ctx) => trunkInbound(ctx, callerNumber, did, policyOf(opts), extras, opts.talkMs ?? DEFAULT_TALK_MS));
  }

  /** Extension `from` dials 0 + `number` out through the trunk (the provider answers after 2 s, hangs up after 5 s). */
  trunkOutbound(from: string, number: string, opts: CallOptions = {}): Promise<CallResult> {
    const policy: CallPolicy = { ringMs: 2000, talkMs: 5000, hangupBy: 'callee', ...stripUndefined(policyOf(opts)) };
    return this.core.runCall(`outbound ${from}->${number}`, (ctx) => phoneCall(ctx, from, `0${number}`, policy, policy.talkMs ?? 5000));
  }

  async register(ext: string): Promise<void> {
    register(this.core.ctx, ext);
  }

  async unregister(ext: string): Promise<void> {
    unregister(this.core.ctx, ext);
  }

  /**
   * `core restart now`: Event Shutdown (Restart: True), every session closed,
   * connections refused for a while, then the PBX is back with no calls and
   * fresh queue statistics; a new login sees FullyBooted with a small Uptime.
   * Running scenarios end with SimulatorRestartedError.
   */
  async restart(): Promise<void> {
    const clock = this.core.clock;
    const sleep = (ms: number) => new Promise<void>((r) => clock.setTimeout(r, ms));
    this.core.ctx.ev.shutdown(true);
    this.core.abortAll(false);
    await this.core.settle();
    await sleep(1000);
    this.server.endSessions();
    await this.server.stopListening();
    await sleep(this.options.restartDownMs ?? 2000);
    this.core.pbx.reboot();
    const bootMs = this.options.restartBootMs ?? 0;
    this.core.pbx.booting = bootMs > 0;
    await this.server.listen(this.server.port);
    if (bootMs > 0) clock.setTimeout(() => this.server.fullyBooted(), bootMs);
  }

  /** `logger rotate`: queue_log is renamed to queue_log.N and a new one started; returns the rotated file's path. */
  rotateQueueLog(): string | undefined {
    return this.core.pbx.records.rotateQueueLog();
  }

  /** Off: sessions stay open but no action is answered and no event is sent (a hung PBX). */
  setResponding(on: boolean): void {
    this.server.setResponding(on);
  }

  /** ActionIDs of the actions read while not responding, oldest first. */
  get unansweredActions(): readonly string[] {
    return this.server.unansweredActions;
  }

  /** Close every AMI socket abruptly (no Goodbye, no Shutdown). */
  dropConnections(): void {
    this.server.dropConnections();
  }

  /** Hang a channel up as the AMI Hangup action would (cause 16 by default). */
  hangup(channel: string, cause = 16): boolean {
    const ch = this.core.pbx.findChannel(channel);
    if (!ch) return false;
    this.core.hangup(ch, cause);
    return true;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<PbxSimulator> {
  return new PbxSimulator(options).start();
}
