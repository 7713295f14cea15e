/**
 * The local cloud's end of the tunnels: a WebSocket server at /relay that
 * authenticates each relay by its token, keeps one active connection per site
 * (a newer one takes over; the older one finishes its in-flight commands and
 * is closed with a reason), carries commands down and replies and events up.
 */

import { hopMarks, seqsOf } from '../../../protocol/src/hop-marks.js';
import { EventIntake } from './intake.js';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock, TimerHandle } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import { decodeRelayFrame, encodeFrame } from '../../../protocol/src/wire/codec.js';
import { CloseCode, type CloudFrame, type RelayFrame } from '../../../protocol/src/wire/frames.js';
import type { AccountStore, Site } from '../store/accounts.js';
import type { Gone } from '../outages/policy.js';
import type { RelayPresence } from '../outages/presence.js';
import type { EventStore, OutboxEntry, StoredEvent } from '../store/events.js';
import type { RelayStatus } from '../store/relays.js';
import { randomId } from '../store/secrets.js';
import { commandFrame, commandLog, logAnswer, type CommandOutcome, type CommandRequest, type RelayGateway } from './gateway.js';
import { relayGone, relayOffline, relayTimeout } from './errors.js';
import type { LiveService } from '../live/service.js';
import { checkHello, checkSeq, disconnectReason, onState, onStatus, settingsOf, statementOf, welcomeCaps, type RelayContext } from './inbound.js';
import { PendingReply } from './replies.js';
import { LogField } from '../../../protocol/src/log-fields.js';

export interface LocalHubOptions {
  accounts: AccountStore;
  events: EventStore;
  /** The sites' relay state and outages (outages/presence.ts). */
  presence: RelayPresence;
  clock: Clock;
  logger: Logger;
  /** How often relays should ping (sent in welcome). */
  pingMs?: number;
  /** A relay silent this long is dropped. */
  deadPeerMs?: number;
  helloTimeoutMs?: number;
  /** Ask a relay to reconnect after this long, as API Gateway's 2-hour cap would. */
  maxConnectionAgeMs?: number;
  nodeId?: string;
  /** Where stored batches go next (the outbox runner). */
  afterStore?(outboxes: OutboxEntry[], fresh: StoredEvent[]): void;
  /** Each site's live state (kept in memory by the store, written to DynamoDB). */
  live?: LiveService;
}

interface Conn {
  id: string;
  site: Site;
  ws: WebSocket;
  since: string;
  version: string;
  amiConnected: boolean;
  pending: Map<string, { reply: PendingReply; timer: TimerHandle }>;
  lastFrameAt: number;
  /** Replaced by a newer connection: no new commands, closed once idle. */
  draining: boolean;
  /** Event records on their way into the store (group commit, pipelined). */
  intake: EventIntake;
  timers: TimerHandle[];
  /** Live-state frames are applied one after the other, in the order they came. */
  live: Promise<void>;
  /** Set when the cloud drops a silent relay: why, and since when. */
  dropped?: Gone;
  /** The hello's handling: a status frame right behind it is applied after it (else the site would keep the hello's AMI state). */
  greeting: Promise<void>;
}

export class LocalHub implements RelayGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly active = new Map<string, Conn>();
  private readonly all = new Set<Conn>();
  private readonly log: Logger;
  private readonly pingMs: number;
  private readonly nodeId: string;

  constructor(private readonly opts: LocalHubOptions) {
    this.log = opts.logger.child({ [LogField.component]: 'relay-hub' });
    this.pingMs = opts.pingMs ?? 20_000;
    this.nodeId = opts.nodeId ?? `local:${process.pid}`;
  }

  get connections(): number {
    return this.all.size;
  }

  /** Sites with an active relay connection. */
  get sites(): number {
    return this.active.size;
  }

  /**
   * Liveness for the outage checks (RelayPresence): the local cloud holds
   * every connection itself, so one it does not hold is gone — left behind by
   * an earlier run of the cloud.
   */
  readonly gone = (s: { connectionId?: string }, now: number): Gone | undefined => {
    for (const c of this.all) if (c.id === s.connectionId) return undefined;
    return { at: now, reason: 'the cloud restarted while the relay was connected' };
  };

  /** For the HTTP server's 'upgrade' event on /relay. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : (url.searchParams.get('token') ?? '');
    let site: Site | undefined;
    try {
      site = token ? await this.opts.accounts.siteForRelayToken(token) : undefined;
    } catch (err) {
      this.log.error('relay authentication failed', { [LogField.error]: err });
    }
    if (!site) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\ninvalid relay token\n');
      return;
    }
    const s = site;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, s));
  }

  private accept(ws: WebSocket, site: Site): void {
    const clock = this.opts.clock;
    const conn: Conn = {
      id: randomId('conn'),
      site,
      ws,
      since: new Date(clock.now()).toISOString(),
      version: '',
      amiConnected: false,
      pending: new Map(),
      lastFrameAt: clock.now(),
      draining: false,
      intake: new EventIntake(() => this.ctx(conn, log)),
      timers: [],
      live: Promise.resolve(),
      greeting: Promise.resolve(),
    };
    const log = this.log.child({ [LogField.siteId]: site.id, [LogField.connectionId]: conn.id });
    this.all.add(conn);
    let greeted = false;
    const helloTimer = clock.setTimeout(() => {
      if (!greeted) ws.close(CloseCode.PROTOCOL_ERROR, 'no hello within time');
    }, this.opts.helloTimeoutMs ?? 10_000);
    conn.timers.push(helloTimer);

    ws.on('message', (data, isBinary) => {
      conn.lastFrameAt = clock.now();
      let frame: RelayFrame;
      try {
        frame = decodeRelayFrame(isBinary ? Buffer.from(data as Buffer) : data.toString());
      } catch (err) {
        log.warn('bad frame from relay', { [LogField.error]: err });
        this.send(conn, { t: 'error', code: 'bad-frame', message: (err as Error).message, fatal: false });
        return;
      }
      if (!greeted) {
        if (frame.t !== 'hello') {
          ws.close(CloseCode.PROTOCOL_ERROR, 'first frame must be hello');
          return;
        }
        greeted = true;
        clock.clearTimeout(helloTimer);
        conn.greeting = this.onHello(conn, frame, log).catch((err) => log.warn('hello failed', { [LogField.error]: err }));
        return;
      }
      this.onFrame(conn, frame, log);
    });
    ws.on('close', (code, reason) => this.onClose(conn, code, reason.toString(), log));
    ws.on('error', (err) => log.warn('relay socket error', { [LogField.error]: err }));
  }

  private async onHello(conn: Conn, hello: Extract<RelayFrame, { t: 'hello' }>, log: Logger): Promise<void> {
    const verdict = checkHello(hello);
    if (!verdict.ok) {
      log.warn('relay refused', { reason: verdict.reason });
      conn.ws.close(verdict.code, verdict.reason);
      return;
    }
    const seq = await checkSeq(this.opts.events, this.opts.presence, conn.site.id, hello, log);
    if (!this.all.has(conn)) return; // went away meanwhile
    if (!seq.ok) {
      this.send(conn, seq.frame);
      conn.ws.close(CloseCode.PROTOCOL_ERROR, seq.frame.code);
      return;
    }
    const ackedSeq = seq.ackedSeq;
    conn.version = hello.relay;
    conn.amiConnected = hello.amiConnected;
    await this.opts.presence.connected(conn.site, { connectionId: conn.id, node: this.nodeId, since: conn.since, version: conn.version, settings: settingsOf(hello, log), ami: statementOf(hello) });
    if (!this.all.has(conn)) return; // went away meanwhile
    // Welcome first, then commands: the relay ignores anything before its welcome.
    this.send(conn, { t: 'welcome', v: hello.v, siteId: conn.site.id, ackedSeq, pingMs: this.pingMs, ...welcomeCaps(this.opts.live) });
    const previous = this.active.get(conn.site.id);
    this.active.set(conn.site.id, conn);
    if (previous && previous !== conn) this.retire(previous, 'replaced by a newer connection');
    log.info('relay connected', { version: conn.version, amiConnected: conn.amiConnected, ackedSeq, replaced: Boolean(previous) });
    this.watch(conn, log);
  }

  private onFrame(conn: Conn, frame: RelayFrame, log: Logger): void {
    switch (frame.t) {
      case 'events':
        hopMarks?.mark('cloud.received', seqsOf(frame.events));
        conn.intake.push(frame.events);
        return;
      case 'reply': {
        const p = conn.pending.get(frame.id)?.reply;
        p?.onReply(frame);
        if (p?.complete) this.settled(conn, frame.id);
        return;
      }
      case 'part': {
        const p = conn.pending.get(frame.id)?.reply;
        p?.onPart(frame);
        if (p?.complete) this.settled(conn, frame.id);
        return;
      }
      case 'status':
        void conn.greeting.then(() => {
          conn.amiConnected = frame.amiConnected;
          return onStatus(this.ctx(conn, log), frame);
        }).catch((err) => log.warn('status update failed', { [LogField.error]: err }));
        return;
      case 'state': {
        const ctx = this.ctx(conn, log);
        conn.live = conn.live.then(() => onState(ctx, frame)).catch((err) => log.warn('live state frame failed', { [LogField.error]: err }));
        return;
      }
      case 'ping':
        this.send(conn, { t: 'pong', ts: frame.ts });
        return;
      case 'pong':
        return;
      case 'error':
        log.warn('relay reported an error', { code: frame.code, message: frame.message });
        return;
      case 'hello':
        log.warn('second hello ignored');
        return;
    }
  }

  private ctx(conn: Conn, log: Logger): RelayContext {
    return {
      siteId: conn.site.id,
      tenantId: conn.site.tenantId,
      connectionId: conn.id,
      send: async (f) => this.send(conn, f),
      events: this.opts.events,
      presence: this.opts.presence,
      clock: this.opts.clock,
      log,
      afterStore: this.opts.afterStore,
      live: this.opts.live,
    };
  }

  private send(conn: Conn, frame: CloudFrame): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(encodeFrame(frame));
  }

  /** Dead-peer watch and the maximum connection age. */
  private watch(conn: Conn, log: Logger): void {
    const clock = this.opts.clock;
    const deadPeerMs = this.opts.deadPeerMs ?? this.pingMs * 3;
    const check = () => {
      if (!this.all.has(conn)) return;
      if (clock.now() - conn.lastFrameAt > deadPeerMs) {
        log.warn('relay silent; dropping the connection', { silentMs: clock.now() - conn.lastFrameAt });
        conn.dropped = { at: conn.lastFrameAt, reason: `no frame from the relay for ${Math.round((clock.now() - conn.lastFrameAt) / 1000)} s` };
        conn.ws.terminate();
        return;
      }
      conn.timers.push(clock.setTimeout(check, Math.min(this.pingMs, deadPeerMs)));
    };
    conn.timers.push(clock.setTimeout(check, Math.min(this.pingMs, deadPeerMs)));
    if (this.opts.maxConnectionAgeMs) {
      conn.timers.push(clock.setTimeout(() => this.send(conn, { t: 'reconnect', reason: 'connection age limit' }), this.opts.maxConnectionAgeMs));
    }
  }

  /** Stop using a connection; close it once its in-flight commands are answered (or after 30 s). */
  private retire(conn: Conn, reason: string): void {
    conn.draining = true;
    const closeNow = () => conn.ws.close(CloseCode.REPLACED, reason);
    if (conn.pending.size === 0) return closeNow();
    conn.timers.push(this.opts.clock.setTimeout(closeNow, 30_000));
  }

  private settled(conn: Conn, id: string): void {
    this.opts.clock.clearTimeout(conn.pending.get(id)?.timer);
    conn.pending.delete(id);
    if (conn.draining && conn.pending.size === 0) conn.ws.close(CloseCode.REPLACED, 'replaced by a newer connection');
  }

  private onClose(conn: Conn, code: number, reason: string, log: Logger): void {
    this.all.delete(conn);
    for (const t of conn.timers) this.opts.clock.clearTimeout(t);
    for (const p of conn.pending.values()) {
      this.opts.clock.clearTimeout(p.timer);
      p.reply.abort(relayGone());
    }
    conn.pending.clear();
    if (this.active.get(conn.site.id) === conn) {
      this.active.delete(conn.site.id);
      const why = conn.dropped ?? { at: conn.lastFrameAt, reason: disconnectReason(code, reason) };
      void this.opts.presence.disconnected(conn.site.id, conn.id, why.reason, why.at).catch((err) => log.warn('outage bookkeeping failed', { [LogField.error]: err }));
      const live = this.opts.live;
      if (live) conn.live = conn.live.then(() => live.offline(conn.site.tenantId, conn.site.id, conn.id, log)).catch((err) => log.warn('marking live state offline failed', { [LogField.error]: err }));
      log.info('relay disconnected', { code, reason });
    }
  }

  // ── RelayGateway ───────────────────────────────────────────────────────

  command(req: CommandRequest): Promise<CommandOutcome> {
    const clock = this.opts.clock;
    const started = clock.now();
    const conn = this.active.get(req.siteId);
    if (!conn || conn.ws.readyState !== conn.ws.OPEN) {
      const offline = relayOffline();
      logAnswer(commandLog(this.log, req), 0, offline);
      return Promise.reject(offline);
    }
    const id = randomId('cmd');
    const log = commandLog(this.log, req, id, conn.id);
    return new Promise<CommandOutcome>((resolve, reject) => {
      const pending = new PendingReply(
        (outcome) => {
          logAnswer(log, clock.now() - started);
          resolve(outcome);
        },
        (err) => {
          logAnswer(log, clock.now() - started, err);
          reject(err);
        },
      );
      const wait = Math.max(0, req.deadlineMs - this.opts.clock.now());
      const timer = this.opts.clock.setTimeout(() => {
        if (!conn.pending.has(id)) return;
        this.settled(conn, id);
        pending.abort(relayTimeout(wait));
      }, wait);
      conn.pending.set(id, { reply: pending, timer });
      try {
        this.send(conn, commandFrame(id, req));
      } catch (err) {
        this.settled(conn, id);
        pending.abort(err as Error);
      }
    });
  }

  /** The sockets are the truth about connections; the stored state adds the history (last seen, outages). */
  async status(siteId: string): Promise<RelayStatus> {
    const conn = this.active.get(siteId);
    const stored = await this.opts.presence.status(siteId);
    if (!conn) return stored.connected ? { ...stored, connected: false, since: null, version: null, amiConnected: false } : stored;
    const lastSeen = new Date(conn.lastFrameAt).toISOString();
    return { ...stored, connected: true, since: conn.since, version: conn.version, amiConnected: conn.amiConnected, lastSeen, offlineSince: null };
  }

  async disconnect(siteId: string, reason: string): Promise<void> {
    for (const conn of this.all) if (conn.site.id === siteId) conn.ws.close(CloseCode.TOKEN_REVOKED, reason);
  }

  /** Ask a site's relay to open a fresh connection (make-before-break). */
  askReconnect(siteId: string, reason = 'requested'): void {
    const conn = this.active.get(siteId);
    if (conn) this.send(conn, { t: 'reconnect', reason });
  }

  async close(): Promise<void> {
    for (const conn of this.all) conn.ws.close(CloseCode.SERVER_RESTART, 'cloud shutting down');
    this.wss.close();
  }
}
