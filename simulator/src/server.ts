/**
 * The AMI TCP server: accepts sessions, fans PBX events out to every logged-in
 * session that wants them, and offers the failure modes tests need — a hung
 * PBX (no answers, no events), dropped sockets, and a restart that closes every
 * session and refuses connections for a while.
 */

import net from 'node:net';
import type { AmiMessage } from '../../ami-codec/src/message.js';
import type { Logger } from '../../protocol/src/log.js';
import { dispatchAction } from './actions/dispatch.js';
import { encodeFrame, type Frame } from './ami/frame.js';
import { AmiSession, type AmiUser, type SessionHost } from './ami/session.js';
import type { SimulatorCore } from './core.js';
import { pointerId } from './events/pbx-events.js';
import type { AmiEvent } from './model/pbx.js';

export interface ServerOptions {
  host: string;
  port: number;
  users: AmiUser[];
  logger: Logger;
  loginFailDelayMs: number;
  timestampEvents: boolean;
  onAction?: (action: AmiMessage) => void;
}

export class AmiServer implements SessionHost {
  private server: net.Server | undefined;
  private readonly sessions = new Set<AmiSession>();
  private isResponding = true;
  private unsubscribe: (() => void) | undefined;
  port = 0;

  constructor(
    private readonly core: SimulatorCore,
    private readonly options: ServerOptions,
  ) {}

  get users(): AmiUser[] {
    return this.options.users;
  }

  get logger(): Logger {
    return this.options.logger;
  }

  get loginFailDelayMs(): number {
    return this.options.loginFailDelayMs;
  }

  get host(): string {
    return this.options.host;
  }

  async listen(port = this.options.port): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
    this.unsubscribe ??= this.core.pbx.on((e) => this.broadcast(e));
    return this.port;
  }

  /** Stop accepting connections (existing sessions are left alone). */
  async stopListening(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.dropConnections();
    await this.stopListening();
  }

  private accept(socket: net.Socket): void {
    const session = new AmiSession(socket, this);
    this.sessions.add(session);
    this.logger.debug('AMI connection', { remote: session.remote });
  }

  responding(): boolean {
    return this.isResponding;
  }

  setResponding(on: boolean): void {
    this.isResponding = on;
  }

  /** ActionIDs of the actions read while not responding, oldest first (tests wait on it). */
  readonly unansweredActions: string[] = [];

  received(m: AmiMessage): void {
    this.options.onAction?.(m);
  }

  unanswered(m: AmiMessage): void {
    this.unansweredActions.push(m.get('ActionID') ?? '');
  }

  dropConnections(): void {
    for (const s of [...this.sessions]) s.destroy();
    this.sessions.clear();
  }

  /** Close every session gracefully (after a Shutdown event). */
  endSessions(): void {
    for (const s of [...this.sessions]) s.end();
  }

  closed(session: AmiSession): void {
    this.sessions.delete(session);
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  runAction(session: AmiSession, m: AmiMessage): Frame[] | Promise<Frame[]> {
    return dispatchAction(this.core, session, m);
  }

  loggedIn(session: AmiSession): void {
    // Asterisk tells a new session it has booted only once it has (otherwise every session hears it later).
    if (session.wantsSystem() && !this.core.pbx.booting) session.write(encodeFrame({ fields: this.fullyBootedFields() }));
    this.core.ctx.ev.successfulAuth('AMI', session.username, pointerId(), this.port, session.remote, false);
  }

  /** Booting is over: FullyBooted to every logged-in session that takes system events (manager.c). */
  fullyBooted(): void {
    this.core.pbx.booting = false;
    for (const s of this.sessions) s.deliver({ name: 'FullyBooted', privilege: 'system,all', fields: this.fullyBootedFields().slice(2) });
  }

  private fullyBootedFields(): Array<[string, string]> {
    const uptime = Math.floor((this.core.clock.now() - this.core.pbx.startedAt) / 1000);
    return [
      ['Event', 'FullyBooted'],
      ['Privilege', 'system,all'],
      ['Uptime', String(uptime)],
      ['LastReload', String(uptime)],
      ['Status', 'Fully Booted'],
    ];
  }

  formatEvent(event: AmiEvent): string {
    const head: Array<[string, string]> = [
      ['Event', event.name],
      ['Privilege', event.privilege],
    ];
    if (this.options.timestampEvents) {
      const ms = this.core.clock.now();
      head.push(['Timestamp', `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`]);
    }
    return encodeFrame({ fields: [...head, ...event.fields] });
  }

  broadcast(event: AmiEvent): void {
    if (!this.isResponding) return;
    for (const s of this.sessions) s.deliver(event);
  }
}
