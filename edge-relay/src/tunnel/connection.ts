/**
 * One outbound WebSocket to the cloud: dial, say hello, wait for welcome, then
 * carry frames both ways. Keeps itself honest with app-level pings (API
 * Gateway's idle timeout is 10 minutes; WebSocket control frames do not reach
 * the backend) and drops a peer that has gone silent. It never reconnects on
 * its own: the supervisor decides.
 */

import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { Clock, TimerHandle } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import { decodeCloudFrame, encodeFrame } from '../../../protocol/src/wire/codec.js';
import { CloseCode, FatalErrorCode, type CloudFrame, type HelloFrame, type RelayFrame, type WelcomeFrame } from '../../../protocol/src/wire/frames.js';

export type TunnelErrorCode = 'UNAUTHORIZED' | 'VERSION_MISMATCH' | 'REPLACED' | 'TIMEOUT' | 'NETWORK' | 'CLOSED' | 'PROTOCOL' | 'SEQ_REGRESSION';

/** Why a connection ended, and whether trying again can help (cloudflared-style). */
export class TunnelError extends Error {
  readonly recoverable: boolean;
  /** SEQ_REGRESSION: the seq the cloud holds for the site, to number above. */
  readonly mark?: number;
  constructor(
    readonly code: TunnelErrorCode,
    message: string,
    /** `mark`: with SEQ_REGRESSION, the seq the cloud holds for the site, to number above. */
    options?: { cause?: unknown; mark?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TunnelError';
    if (options?.mark !== undefined) this.mark = options.mark;
    // A wrong token or protocol needs an operator; retrying still happens, slowly.
    this.recoverable = code !== 'UNAUTHORIZED' && code !== 'VERSION_MISMATCH';
  }
}

export interface TunnelConnectionOptions {
  url: string;
  token: string;
  hello: () => HelloFrame;
  clock: Clock;
  logger: Logger;
  handshakeTimeoutMs?: number;
  /** Upper bound for the ping interval, whatever the cloud asks. */
  maxPingMs?: number;
}

let seq = 0;

/** `https://cloud.example.com` → `wss://cloud.example.com/relay`. */
export function tunnelUrl(configured: string): string {
  const u = new URL(configured);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  if (u.protocol === 'https:') u.protocol = 'wss:';
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/relay';
  return u.toString();
}

export class TunnelConnection extends EventEmitter<{ welcome: [WelcomeFrame]; frame: [CloudFrame]; closed: [TunnelError] }> {
  readonly id = `c${++seq}`;
  private ws?: WebSocket;
  private welcomed = false;
  private ended = false;
  private lastHeard = 0;
  private timers: TimerHandle[] = [];
  private readonly log: Logger;
  welcome?: WelcomeFrame;
  /** The hello this connection said. */
  helloSent?: HelloFrame;
  openedAt = 0;

  constructor(private readonly opts: TunnelConnectionOptions) {
    super();
    this.log = opts.logger.child({ [LogField.component]: 'tunnel', [LogField.connectionId]: this.id });
  }

  get ready(): boolean {
    return this.welcomed && !this.ended && this.ws?.readyState === WebSocket.OPEN;
  }

  get bufferedAmount(): number {
    return this.ws?.bufferedAmount ?? 0;
  }

  open(): void {
    const clock = this.opts.clock;
    this.openedAt = clock.now();
    const ws = new WebSocket(tunnelUrl(this.opts.url), {
      headers: { authorization: `Bearer ${this.opts.token}` },
      handshakeTimeout: this.opts.handshakeTimeoutMs ?? 15_000,
      maxPayload: 64 * 1024,
      perMessageDeflate: false,
    });
    this.ws = ws;
    this.timers.push(
      clock.setTimeout(() => {
        if (!this.welcomed) this.end(new TunnelError('TIMEOUT', 'no welcome from the cloud in time'));
      }, this.opts.handshakeTimeoutMs ?? 15_000),
    );
    ws.on('unexpected-response', (_req, res) => {
      const unauthorized = res.statusCode === 401 || res.statusCode === 403;
      this.end(new TunnelError(unauthorized ? 'UNAUTHORIZED' : 'NETWORK', `cloud refused the tunnel: HTTP ${res.statusCode}${unauthorized ? ' (check [cloud] token)' : ''}`));
    });
    ws.on('open', () => {
      this.lastHeard = clock.now();
      this.helloSent = this.opts.hello();
      this.rawSend(this.helloSent);
    });
    ws.on('message', (data) => this.onMessage(data.toString()));
    ws.on('close', (code, reason) => this.end(closeError(code, reason.toString())));
    ws.on('error', (err) => this.end(new TunnelError('NETWORK', `tunnel socket error: ${err.message}`, { cause: err })));
  }

  /** Send a frame; false when the connection is not usable. */
  send(frame: RelayFrame): boolean {
    if (!this.ready) return false;
    return this.rawSend(frame);
  }

  close(code = 1000, reason = 'closing'): void {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.close(code, reason);
    this.end(new TunnelError('CLOSED', reason));
  }

  private rawSend(frame: RelayFrame): boolean {
    try {
      this.ws!.send(encodeFrame(frame));
      return true;
    } catch (err) {
      this.log.warn('frame not sent', { error: err, frame: frame.t });
      return false;
    }
  }

  private onMessage(text: string): void {
    this.lastHeard = this.opts.clock.now();
    let frame: CloudFrame;
    try {
      frame = decodeCloudFrame(text);
    } catch (err) {
      this.log.warn('bad frame from the cloud', { error: err });
      return;
    }
    if (!this.welcomed) {
      if (frame.t === 'welcome') {
        this.welcomed = true;
        this.welcome = frame;
        this.startPings(Math.min(frame.pingMs, this.opts.maxPingMs ?? 30_000));
        this.emit('welcome', frame);
      } else if (frame.t === 'error' && frame.fatal) {
        // Behind API Gateway the cloud cannot close with 4000/4003: it names the reason in the frame.
        const code = FATAL_ERROR_CODES[frame.code] ?? 'PROTOCOL';
        this.end(new TunnelError(code, `cloud: ${frame.message}`, { mark: frame.mark }));
      }
      return;
    }
    if (frame.t === 'ping') this.rawSend({ t: 'pong', ts: frame.ts });
    else this.emit('frame', frame);
  }

  private startPings(pingMs: number): void {
    const clock = this.opts.clock;
    const tick = () => {
      if (this.ended) return;
      // Silence for two and a half intervals: the path is dead even if TCP says otherwise.
      if (clock.now() - this.lastHeard > pingMs * 2.5) {
        this.log.warn('cloud silent; dropping the tunnel', { silentMs: clock.now() - this.lastHeard });
        this.ws?.terminate();
        this.end(new TunnelError('TIMEOUT', 'cloud stopped answering pings'));
        return;
      }
      this.rawSend({ t: 'ping', ts: clock.now() });
      this.timers.push(clock.setTimeout(tick, pingMs));
    };
    this.timers.push(clock.setTimeout(tick, pingMs));
  }

  private end(err: TunnelError): void {
    if (this.ended) return;
    this.ended = true;
    for (const t of this.timers) this.opts.clock.clearTimeout(t);
    this.timers = [];
    if (this.ws && this.ws.readyState !== WebSocket.CLOSED && this.ws.readyState !== WebSocket.CLOSING) this.ws.terminate();
    this.emit('closed', err);
  }
}

/** `error` frame codes that mean the same as a close code (API Gateway cannot send those). */
const FATAL_ERROR_CODES: Record<string, TunnelErrorCode | undefined> = {
  [FatalErrorCode.VERSION_MISMATCH]: 'VERSION_MISMATCH',
  [FatalErrorCode.TOKEN_REVOKED]: 'UNAUTHORIZED',
  unauthorized: 'UNAUTHORIZED',
  [FatalErrorCode.SEQ_REGRESSION]: 'SEQ_REGRESSION',
};

function closeError(code: number, reason: string): TunnelError {
  switch (code) {
    case CloseCode.UNAUTHORIZED:
    case CloseCode.TOKEN_REVOKED:
      return new TunnelError('UNAUTHORIZED', `cloud closed the tunnel: ${reason || 'unauthorized'}`);
    case CloseCode.VERSION_MISMATCH:
      return new TunnelError('VERSION_MISMATCH', `cloud closed the tunnel: ${reason}`);
    case CloseCode.REPLACED:
      return new TunnelError('REPLACED', reason || 'replaced by a newer connection');
    default:
      return new TunnelError('CLOSED', `tunnel closed (${code}${reason ? `: ${reason}` : ''})`);
  }
}
