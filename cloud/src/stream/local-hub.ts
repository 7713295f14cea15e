/**
 * The stream on one machine: GET /v1/stream upgraded on the local cloud's
 * own server (`ws`), one StreamSession per connection, fed by the relay hub
 * right after each batch is stored (local/server.ts `afterStore`).
 *
 * `publish` is on the event path: it hands each session the events and
 * returns; a session only appends to its socket's buffer and cuts its client
 * when that buffer passes its bound, so no client can hold the path up.
 */

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock, TimerHandle } from '../../../protocol/src/clock.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { Logger } from '../../../protocol/src/log.js';
import { ApiError } from '../api/errors.js';
import type { LivePublisher } from '../live/publisher.js';
import type { AccountStore } from '../store/accounts.js';
import type { EventStore } from '../store/events.js';
import type { TenantEvent } from '../webhooks/envelope.js';
import { randomId } from '../store/ids.js';
import { DEFAULT_STREAM_LIMITS, type StateMessage, type StreamLimits } from './messages.js';
import { openStream, type OpenedStream } from './open.js';
import { StreamSession, type StreamTransport } from './session.js';
import type { TicketStore } from './tickets.js';

export const STREAM_PATH = '/v1/stream';

export interface LocalStreamHubOptions {
  accounts: AccountStore;
  tickets: TicketStore;
  events: EventStore;
  clock: Clock;
  logger: Logger;
  limits?: Partial<StreamLimits>;
  /** A site's full live state now, for connections that ask for state (`&state=1`). */
  liveState?: (siteId: string) => Promise<StateMessage | undefined>;
}

/** A refused upgrade: the /v1 error body, as an HTTP answer on the raw socket. */
function refuse(socket: Duplex, err: ApiError): void {
  const body = JSON.stringify(err.toBody());
  socket.end(`HTTP/1.1 ${err.status} ${err.code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export class LocalStreamHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly sessions = new Set<StreamSession>();
  readonly limits: StreamLimits;
  private readonly log: Logger;
  private pingTimer?: TimerHandle;
  private closed = false;

  constructor(private readonly opts: LocalStreamHubOptions) {
    this.limits = { ...DEFAULT_STREAM_LIMITS, ...opts.limits };
    this.log = opts.logger.child({ [LogField.component]: 'stream' });
    this.schedulePing();
  }

  get connections(): number {
    return this.sessions.size;
  }

  /** On the event path (the outbox): never waits, never throws. */
  publish(events: readonly TenantEvent[]): void {
    for (const s of this.sessions) {
      try {
        s.offer(events);
      } catch (err) {
        this.log.warn('stream session failed to take events', { [LogField.error]: err });
      }
    }
  }

  /** Where the live state service (cloud/src/live) hands each applied snapshot or delta. */
  readonly statePublisher: LivePublisher = {
    publish: (tenantId, _siteId, msg) => {
      for (const s of this.sessions) if (s.tenantId === tenantId) s.offerState(msg);
    },
  };

  /** For the HTTP server's 'upgrade' event on STREAM_PATH. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let opened: OpenedStream;
    try {
      opened = await openStream(
        { ...this.opts, resumeWindowMs: this.limits.resumeWindowMs },
        new URL(req.url ?? '/', 'http://localhost').searchParams,
        req.headers.authorization,
      );
    } catch (err) {
      if (err instanceof ApiError) return refuse(socket, err);
      this.log.error('stream open failed', { [LogField.error]: err });
      socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\n');
      return;
    }
    if (this.closed) return void socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, opened));
  }

  private accept(ws: WebSocket, opened: OpenedStream): void {
    const id = randomId('stream');
    const log = this.log.child({ [LogField.tenantId]: opened.tenantId, [LogField.connectionId]: id });
    let inFlight = 0;
    const transport: StreamTransport = {
      send: (text) => {
        inFlight++;
        ws.send(text, () => inFlight--);
      },
      buffered: () => ({ bytes: ws.bufferedAmount, messages: inFlight }),
      close: (code, reason) => {
        ws.close(code, reason);
        // A client that stopped reading never takes the close frame either: let it go.
        this.opts.clock.setTimeout(() => ws.terminate(), 1_000);
      },
    };
    const session = new StreamSession(transport, {
      tenantId: opened.tenantId,
      filter: opened.filter,
      state: opened.state,
      limits: this.limits,
      clock: this.opts.clock,
      onClose: (reason) => {
        this.sessions.delete(session);
        if (reason !== 'client') log.info('stream closed', { reason });
      },
    });
    // Registered before the store is read: live events are held from now on (no gap at the seam).
    this.sessions.add(session);
    ws.on('close', () => session.gone());
    ws.on('error', (err) => log.debug('stream socket error', { [LogField.error]: err }));
    log.info('stream opened', { filter: opened.filter, resume: opened.after.size, state: opened.state });
    if (opened.expired) return session.end('after-expired', opened.expired);
    if (opened.state) void this.sendState(session, opened, log);
    if (opened.after.size === 0) return session.goLive();
    session.resume(opened.after, (siteId, seq) => this.opts.events.after(siteId, seq)).catch((err) => {
      log.error('stream resume failed', { [LogField.error]: err });
      session.end('internal', 'reading the stored events failed: reconnect with the same after');
    });
  }

  /** `&state=1`: the full state of each site the stream follows (named, or every site of the tenant). */
  private async sendState(session: StreamSession, opened: OpenedStream, log: Logger): Promise<void> {
    const read = this.opts.liveState;
    try {
      const sites = opened.filter.siteIds ?? (await this.opts.accounts.listSites(opened.tenantId)).map((s) => s.id);
      await session.sendState(sites, read ?? (async () => undefined));
    } catch (err) {
      log.error('stream state read failed', { [LogField.error]: err });
      session.end('internal', 'reading the sites\' live state failed: reconnect');
    }
  }

  private schedulePing(): void {
    this.pingTimer = this.opts.clock.setTimeout(() => {
      for (const s of this.sessions) s.ping();
      if (!this.closed) this.schedulePing();
    }, this.limits.pingMs);
  }

  close(): void {
    this.closed = true;
    this.opts.clock.clearTimeout(this.pingTimer);
    for (const s of [...this.sessions]) s.end('going-away', 'the cloud is shutting down: reconnect with after=<the last event id>');
    this.wss.close();
  }
}
