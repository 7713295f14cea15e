/**
 * One AMI session to Asterisk, kept alive for the life of the relay.
 *
 * Connection life is an explicit state machine:
 *
 *   idle ─connect()→ connecting ─TCP up→ authenticating ─login ok→ ready
 *     ↑                  │                     │                     │
 *     │                  └──────── error / close / ping timeout ─────┘
 *     │                                       ↓
 *   closed ←close()─ (any)            waiting (backoff) ─timer→ connecting
 *
 * Rules that keep a call center safe:
 * - An action issued while not `ready` fails at once with AMI_NOT_CONNECTED.
 *   Nothing is queued for later: replaying an Originate after a reconnect
 *   would ring a phone twice.
 * - When the session drops, every action in flight is rejected with
 *   AMI_CONNECTION_LOST (its outcome is unknown), never left hanging.
 * - The socket is read continuously and events are handed out synchronously;
 *   Asterisk disconnects a client that stops reading.
 */

import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import net from 'node:net';
import type { Clock, TimerHandle } from '../../../protocol/src/clock.js';
import { systemClock } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import { silentLogger } from '../../../protocol/src/log.js';
import { AmiDecoder } from '../../../ami-codec/src/decoder.js';
import { encodeAction, type ActionFields } from '../../../ami-codec/src/encoder.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { exponentialBackoff, type RetryStrategy } from '../retry.js';
import { AmiError, amiError } from './errors.js';
import { PendingActions, type AmiReply } from './pending.js';

export type { AmiReply } from './pending.js';

export type AmiState = 'idle' | 'connecting' | 'authenticating' | 'ready' | 'waiting' | 'closed';

export interface AmiClientOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** `md5` logs in with Challenge/Key so the secret never crosses the wire. */
  authType?: 'plain' | 'md5';
  /** Login `Events:` mask; `on` for the relay, `off` for command-only sessions. */
  events?: string;
  actionTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Ping this often while idle-ready; 0 disables. */
  pingIntervalMs?: number;
  retryStrategy?: RetryStrategy;
  clock?: Clock;
  logger?: Logger;
  maxFrameBytes?: number;
  /**
   * Accept a login answer carrying someone else's ActionID (see
   * PendingActions). Only for a server replaying a recorded session; a real
   * Asterisk echoes ours.
   */
  adoptForeignActionIds?: boolean;
}

export interface ActionOptions {
  timeoutMs?: number;
}

export interface AmiClientEvents {
  event: [AmiMessage];
  state: [AmiState, AmiState];
  ready: [{ banner: string }];
  disconnected: [AmiError];
  error: [AmiError];
}

let instanceSeq = 0;

export class AmiClient extends EventEmitter<AmiClientEvents> {
  private readonly opts: Required<Omit<AmiClientOptions, 'logger' | 'clock' | 'retryStrategy' | 'maxFrameBytes' | 'adoptForeignActionIds'>> & {
    maxFrameBytes?: number;
  };
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly retry: RetryStrategy;
  private readonly pending: PendingActions;
  private socket?: net.Socket;
  private decoder: AmiDecoder;
  private closing = false;
  private _state: AmiState = 'idle';
  private attempt = 0;
  private retryTimer?: TimerHandle;
  private pingTimer?: TimerHandle;
  private connectTimer?: TimerHandle;
  private _banner = '';

  constructor(options: AmiClientOptions) {
    super();
    this.opts = {
      host: options.host,
      port: options.port,
      username: options.username,
      secret: options.secret,
      authType: options.authType ?? 'plain',
      events: options.events ?? 'on',
      actionTimeoutMs: options.actionTimeoutMs ?? 10_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      pingIntervalMs: options.pingIntervalMs ?? 20_000,
      maxFrameBytes: options.maxFrameBytes,
    };
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? silentLogger).child({ component: 'ami', ami: `${options.host}:${options.port}` });
    this.retry = options.retryStrategy ?? exponentialBackoff();
    // Unique per client: a response whose ActionID lacks it is not an answer to us.
    const idPrefix = `r${process.pid.toString(36)}${(++instanceSeq).toString(36)}-`;
    this.pending = new PendingActions({ clock: this.clock, idPrefix, adoptForeignIds: options.adoptForeignActionIds });
    this.decoder = new AmiDecoder({ maxFrameBytes: options.maxFrameBytes });
  }

  get state(): AmiState {
    return this._state;
  }

  get connected(): boolean {
    return this._state === 'ready';
  }

  /** The server's banner, e.g. `Asterisk Call Manager/9.0.0`. */
  get banner(): string {
    return this._banner;
  }

  /** Start connecting; reconnects on its own until close(). */
  connect(): void {
    if (this._state !== 'idle' && this._state !== 'waiting') return;
    this.clock.clearTimeout(this.retryTimer);
    this.open();
  }

  /** Resolves once the session is ready (or rejects if closed first). */
  waitReady(): Promise<void> {
    if (this._state === 'ready') return Promise.resolve();
    if (this._state === 'closed') return Promise.reject(amiError('AMI_CLOSED', 'AMI client closed'));
    return new Promise((resolve, reject) => {
      const onState = (to: AmiState) => {
        if (to === 'ready') (this.off('state', onState), resolve());
        else if (to === 'closed') (this.off('state', onState), reject(amiError('AMI_CLOSED', 'AMI client closed')));
      };
      this.on('state', onState);
    });
  }

  /** Log off politely if possible and stop reconnecting. */
  async close(): Promise<void> {
    if (this._state === 'closed') return;
    this.closing = true;
    if (this._state === 'ready') {
      await this.action('Logoff', {}, { timeoutMs: 1000 }).catch(() => undefined);
    }
    this.clock.clearTimeout(this.retryTimer);
    this.teardown(amiError('AMI_CLOSED', 'AMI client closed'));
    this.setState('closed');
  }

  /**
   * Send one action. Resolves with Asterisk's answer (and the items, for an
   * EventList action); rejects with AMI_ACTION_FAILED on `Response: Error`.
   */
  action(action: string, fields: ActionFields = {}, options: ActionOptions = {}): Promise<AmiReply> {
    return this.send(action, fields, options, false);
  }

  /** Only the login handshake (`internal`) may be sent before the session is ready. */
  private send(action: string, fields: ActionFields, options: ActionOptions, internal: boolean): Promise<AmiReply> {
    const ready = this._state === 'ready' || (internal && this._state === 'authenticating');
    if (!ready || !this.socket) {
      return Promise.reject(
        amiError('AMI_NOT_CONNECTED', `AMI is not connected (${this._state}); ${action} was not sent`, { action }),
      );
    }
    const actionId = this.pending.nextId();
    let bytes: string;
    try {
      bytes = encodeAction(action, actionId, fields);
    } catch (err) {
      return Promise.reject(err);
    }
    const reply = this.pending.add(action, actionId, options.timeoutMs ?? this.opts.actionTimeoutMs);
    this.socket.write(bytes);
    return reply;
  }

  // ── connection life ────────────────────────────────────────────────────

  private setState(to: AmiState): void {
    const from = this._state;
    if (from === to) return;
    this._state = to;
    this.log.debug('ami state', { from, to });
    this.emit('state', to, from);
  }

  private open(): void {
    this.setState('connecting');
    this.decoder.reset(true);
    const socket = net.createConnection({ host: this.opts.host, port: this.opts.port });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    this.socket = socket;
    this.connectTimer = this.clock.setTimeout(() => {
      this.fail(socket, amiError('AMI_TIMEOUT', `no AMI session within ${this.opts.connectTimeoutMs} ms`));
    }, this.opts.connectTimeoutMs);

    socket.on('connect', () => {
      if (this.socket !== socket) return;
      this.setState('authenticating');
      this.login().then(
        // Outside the promise chain: a listener that throws must not become an unhandled rejection.
        () => setImmediate(() => this.loggedIn(socket)),
        (err: AmiError) => this.fail(socket, err),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.socket !== socket) return;
      try {
        this.decoder.push(chunk, this.onMessage);
      } catch (err) {
        this.fail(socket, err instanceof AmiError ? err : amiError('AMI_PROTOCOL', String(err)));
      }
    });
    socket.on('error', (err) => {
      this.fail(socket, amiError('AMI_CONNECTION_LOST', `AMI socket error: ${err.message}`, { cause: err }));
    });
    socket.on('close', () => {
      this.fail(socket, amiError('AMI_CONNECTION_LOST', 'AMI connection closed by peer'));
    });
  }

  private loggedIn(socket: net.Socket): void {
    if (this.socket !== socket) return;
    this.clock.clearTimeout(this.connectTimer);
    this.attempt = 0;
    this.setState('ready');
    this.log.info('ami session ready', { banner: this._banner });
    this.schedulePing();
    this.safeEmit('ready', { banner: this._banner });
  }

  /**
   * Hand something to every listener, each on its own: one that throws is
   * logged and the others still run. A listener's bug must never tear down
   * the session (the socket's data handler would take it for a protocol error).
   */
  private safeEmit<K extends 'event' | 'ready'>(name: K, ...args: AmiClientEvents[K]): void {
    for (const listener of this.listeners(name) as Array<(...a: AmiClientEvents[K]) => void>) {
      try {
        listener(...args);
      } catch (err) {
        this.log.error(`an AMI ${name} listener failed; the session goes on`, { error: err, event: name === 'event' ? (args[0] as AmiMessage).event : undefined });
      }
    }
  }

  private async login(): Promise<void> {
    const events = this.opts.events;
    try {
      if (this.opts.authType === 'md5') {
        const challenge = await this.send('Challenge', { AuthType: 'MD5' }, {}, true);
        const nonce = challenge.response.get('Challenge') ?? '';
        const key = createHash('md5').update(nonce + this.opts.secret).digest('hex');
        await this.send('Login', { AuthType: 'MD5', Username: this.opts.username, Key: key, Events: events }, {}, true);
      } else {
        await this.send('Login', { Username: this.opts.username, Secret: this.opts.secret, Events: events }, {}, true);
      }
    } catch (err) {
      if (err instanceof AmiError && err.code === 'AMI_ACTION_FAILED') {
        throw amiError('AMI_AUTH_FAILED', `AMI login refused for user ${this.opts.username}: ${err.amiMessage ?? err.message}`, {
          action: 'Login',
          amiMessage: err.amiMessage,
        });
      }
      throw err;
    }
  }

  /** The session ended: settle everything in flight and schedule a retry. */
  private fail(socket: net.Socket, err: AmiError): void {
    if (this.socket !== socket || this.closing) return;
    const wasReady = this._state === 'ready';
    this.teardown(err);
    if (this._state === 'closed') return;
    if (wasReady) this.log.warn('ami session lost', { error: err });
    else this.log.warn('ami connect failed', { error: err });
    this.emit('disconnected', err);
    this.scheduleRetry(err);
  }

  private teardown(err: AmiError): void {
    const socket = this.socket;
    this.socket = undefined;
    this.clock.clearTimeout(this.pingTimer);
    this.clock.clearTimeout(this.connectTimer);
    if (socket) {
      socket.removeAllListeners('data');
      socket.on('error', () => undefined);
      socket.destroy();
    }
    this.pending.failAll(err);
  }

  private scheduleRetry(err: AmiError): void {
    this.attempt++;
    const delay = this.retry(this.attempt, err);
    if (delay === null) {
      this.log.error('ami reconnect abandoned', { attempts: this.attempt, error: err });
      this.setState('closed');
      return;
    }
    this.setState('waiting');
    this.log.info('ami reconnect scheduled', { inMs: delay, attempt: this.attempt });
    this.retryTimer = this.clock.setTimeout(() => {
      if (this._state === 'waiting') this.open();
    }, delay);
  }

  private schedulePing(): void {
    if (this.opts.pingIntervalMs <= 0) return;
    this.clock.clearTimeout(this.pingTimer);
    this.pingTimer = this.clock.setTimeout(() => {
      const socket = this.socket;
      if (this._state !== 'ready' || !socket) return;
      this.action('Ping', {}, { timeoutMs: Math.min(this.opts.actionTimeoutMs, this.opts.pingIntervalMs) }).then(
        () => this.schedulePing(),
        (err: AmiError) => {
          // A dead peer (half-open TCP) only shows up as a missing Pong.
          if (err.code === 'AMI_TIMEOUT' && socket) this.fail(socket, amiError('AMI_CONNECTION_LOST', 'AMI keepalive Ping unanswered'));
        },
      );
    }, this.opts.pingIntervalMs);
  }

  // ── inbound messages ───────────────────────────────────────────────────

  private readonly onMessage = (msg: AmiMessage): void => {
    switch (msg.kind) {
      case 'banner':
        this._banner = msg.type;
        return;
      case 'response':
        this.onResponse(msg);
        return;
      case 'event':
        this.onEvent(msg);
        return;
      default:
        this.log.debug('ami message of unknown kind ignored', { first: msg.fields[0] });
    }
  };

  private onResponse(msg: AmiMessage): void {
    if (this.pending.response(msg, this._state === 'authenticating') === 'foreign') {
      this.log.debug('ami response for an unknown ActionID ignored', { actionId: msg.actionId });
    }
  }

  private onEvent(msg: AmiMessage): void {
    // Items of one of our lists are the action's answer, not events.
    if (!this.pending.listEvent(msg)) this.safeEmit('event', msg);
  }
}
