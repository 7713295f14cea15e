/**
 * Keeps the relay's tunnel to the cloud up, apart from any one connection
 * (cloudflared-style). State machine:
 *
 *   idle ─start→ connecting ─welcome→ connected ─closed→ waiting ─backoff→ connecting
 *                                        │                 (any) ─stop / retry gives up→ stopped
 *                          reconnect asked / max age: a second connection is
 *                          dialled; once welcomed it takes over, the old one
 *                          finishes what it was doing and closes (make-before-break)
 *
 * Backoff is exponential with jitter, on an injectable strategy and clock, and
 * resets once a connection has stayed up for a stable period. The supervisor
 * only manages connections: commands go to the runner, events up are the
 * uplink's, on whichever connection is active.
 */

import { EventEmitter } from 'node:events';
import { NamedTimers, type Clock } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import { PROTOCOL_VERSION, type AmiStatementT, type CloudFrame, type WelcomeFrame } from '../../../protocol/src/wire/frames.js';
import { exponentialBackoff, type RetryStrategy } from '../retry.js';
import type { CommandRunner } from './commands.js';
import type { LiveUplink } from './live-uplink.js';
import { TunnelConnection, TunnelError } from './connection.js';
import type { Uplink } from './uplink.js';

/** How long a replaced connection stays open at most: past any command's deadline (the cloud's is under 30 s). */
export const RETIRED_CONNECTION_MS = 30_000;

/** A wrong token or protocol needs an operator: retries keep going, at most this often. */
export const FATAL_RETRY_MS = 60_000;

export type TunnelState = 'idle' | 'connecting' | 'connected' | 'waiting' | 'stopped';

export interface TunnelSupervisorOptions {
  url: string;
  token: string;
  /** Events up, on the active connection. */
  uplink: Uplink;
  /** The site's live state up, when the cloud takes it (capability `live-state`). */
  live?: LiveUplink;
  runner: CommandRunner;
  relayVersion: string;
  /** What api.conf says about the site for the cloud to show (hello's popUrl, wrapupSeconds). */
  site?: { popUrl?: string; wrapupSeconds?: number };
  /** The AMI side's state as the tunnel states it (hello, status). */
  ami: () => AmiStatementT;
  clock: Clock;
  logger: Logger;
  retryStrategy?: RetryStrategy;
  /** A connection up this long resets the backoff. */
  stableMs?: number;
  /** Reconnect (make-before-break) before API Gateway's 2-hour cut. */
  maxAgeMs?: number;
}

export class TunnelSupervisor extends EventEmitter<{ state: [TunnelState]; welcome: [WelcomeFrame] }> {
  private _state: TunnelState = 'idle';
  private active?: TunnelConnection;
  private dialing?: TunnelConnection;
  private readonly retiring = new Set<TunnelConnection>();
  private attempt = 0;
  private readonly timers: NamedTimers;
  private readonly log: Logger;
  private readonly retry: RetryStrategy;
  siteId?: string;
  /** Why the last connection ended or failed (for /readyz). */
  lastError?: TunnelError;

  constructor(private readonly opts: TunnelSupervisorOptions) {
    super();
    this.log = opts.logger.child({ [LogField.component]: 'tunnel' });
    this.retry = opts.retryStrategy ?? exponentialBackoff({ initialMs: 1000, maxMs: 60_000 });
    this.timers = new NamedTimers(opts.clock);
  }

  get state(): TunnelState {
    return this._state;
  }

  get connected(): boolean {
    return this.active?.ready ?? false;
  }

  start(): void {
    if (this._state !== 'idle') return;
    this.dial();
  }

  stop(): void {
    this.setState('stopped');
    this.timers.clearAll();
    if (this.active) this.opts.uplink.detach(this.active);
    this.opts.live?.stop();
    for (const c of [this.active, this.dialing, ...this.retiring]) c?.close(1000, 'relay stopping');
  }

  /** Tell the cloud the AMI side changed (a connection still being welcomed says it after its welcome). */
  amiChanged(): void {
    this.active?.send({ t: 'status', ...this.opts.ami() });
  }

  /** Open a second connection and switch to it once it is welcomed. */
  reconnect(reason: string): void {
    if (this._state === 'stopped' || this.dialing) return;
    this.log.info('opening a fresh tunnel connection (make-before-break)', { reason });
    this.dial();
  }

  private setState(to: TunnelState): void {
    const from = this._state;
    if (from === to || from === 'stopped') return;
    this._state = to;
    this.log.info(`state ${from} -> ${to}`, { from, to });
    this.emit('state', to);
  }

  private dial(): void {
    if (!this.active) this.setState('connecting');
    const conn = new TunnelConnection({
      url: this.opts.url,
      token: this.opts.token,
      clock: this.opts.clock,
      logger: this.opts.logger,
      hello: () => ({
        t: 'hello',
        v: PROTOCOL_VERSION,
        relay: this.opts.relayVersion,
        ...this.opts.ami(),
        lastSeq: this.opts.uplink.lastSeq,
        ackedSeq: this.opts.uplink.ackedSeq,
        ...(this.opts.live ? { caps: ['live-state'] } : {}),
        ...this.opts.site,
      }),
    });
    this.dialing = conn;
    conn.on('welcome', (w) => this.promote(conn, w));
    conn.on('frame', (f) => this.onFrame(conn, f));
    conn.on('closed', (err) => this.onClosed(conn, err));
    conn.open();
  }

  private promote(conn: TunnelConnection, welcome: WelcomeFrame): void {
    if (this.dialing === conn) this.dialing = undefined;
    const previous = this.active;
    this.active = conn;
    if (previous) this.retire(previous);
    this.siteId = welcome.siteId;
    this.lastError = undefined;
    this.setState('connected');
    // AMI may have changed after the hello went out, while no connection was
    // active to say so: say it now, or the cloud would show the hello's state.
    const ami = this.opts.ami();
    if (ami.amiChange !== conn.helloSent?.amiChange) conn.send({ t: 'status', ...ami });
    const uplink = this.opts.uplink;
    uplink.attach(conn, welcome.ackedSeq);
    // A cloud that does not name live-state (one older than it) never gets state frames.
    if (previous) this.opts.live?.detach(previous);
    if (welcome.caps?.includes('live-state')) this.opts.live?.attach(conn);
    this.log.info('tunnel up', { [LogField.siteId]: welcome.siteId, [LogField.connectionId]: conn.id, ackedSeq: welcome.ackedSeq, backlog: uplink.backlog });
    this.emit('welcome', welcome);
    this.timers.set('stable', this.opts.stableMs ?? 60_000, () => (this.attempt = 0));
    this.timers.set('max-age', this.opts.maxAgeMs ?? 110 * 60_000, () => this.reconnect('connection age limit'));
  }

  /**
   * The old connection answers what it already received, then goes. The
   * cloud closes it itself once its commands are answered (both the local hub
   * and API Gateway's side); until then it may still send commands on it (it
   * learns of the switch from our welcome), so we only give up on it after
   * the longest a command can wait.
   */
  private retire(conn: TunnelConnection): void {
    this.retiring.add(conn);
    this.timers.set(retireTimer(conn), RETIRED_CONNECTION_MS, () => conn.close(1000, 'replaced by a newer connection'));
  }

  private onFrame(conn: TunnelConnection, frame: CloudFrame): void {
    switch (frame.t) {
      case 'command':
        void this.opts.runner.handle(frame, (f) => conn.send(f));
        return;
      case 'ack':
        this.opts.uplink.ack(frame.seq);
        return;
      case 'reconnect':
        this.reconnect(frame.reason);
        return;
      case 'state-sync':
        if (conn === this.active) this.opts.live?.full(`cloud asked: ${frame.reason}`);
        return;
      case 'error':
        this.log.warn('cloud reported an error', { code: frame.code, message: frame.message });
        return;
      default:
        return;
    }
  }

  private onClosed(conn: TunnelConnection, err: TunnelError): void {
    if (this.retiring.delete(conn)) this.timers.clear(retireTimer(conn));
    if (this.dialing === conn) this.dialing = undefined;
    if (this._state === 'stopped') return;
    // Renumbered above the cloud's mark: dial again at once (a cloud that still refuses gets the backoff).
    if (err.code === 'SEQ_REGRESSION' && err.mark !== undefined && this.opts.uplink.renumberAbove(err.mark) > 0 && !this.active && !this.dialing) {
      this.dial();
      return;
    }
    const log = err.recoverable ? this.log.warn.bind(this.log) : this.log.error.bind(this.log);
    if (conn === this.active) {
      this.active = undefined;
      this.opts.uplink.detach(conn);
      this.opts.live?.detach(conn);
      log('tunnel down', { [LogField.connectionId]: conn.id, error: err });
    } else if (err.code !== 'CLOSED' && err.code !== 'REPLACED') {
      log('tunnel connection failed', { [LogField.connectionId]: conn.id, error: err });
    }
    if (!this.active) this.lastError = err;
    if (!this.active && !this.dialing) this.scheduleRetry(err);
  }

  private scheduleRetry(err: TunnelError): void {
    this.attempt++;
    this.timers.clear('stable');
    const base = this.retry(this.attempt, err);
    if (base === null) {
      this.log.error('tunnel reconnect abandoned', { attempts: this.attempt, error: err });
      this.stop();
      return;
    }
    const delay = err.recoverable ? base : Math.max(base, FATAL_RETRY_MS);
    this.setState('waiting');
    this.timers.set('retry', delay, () => this.dial());
  }
}

function retireTimer(conn: TunnelConnection): string {
  return `retire:${conn.id}`;
}
