/**
 * One AMI connection, as manager.c runs it: banner, login (plain or MD5
 * challenge), one action at a time, events filtered by the session's mask.
 * While an action runs, events for this session wait and are written after
 * its response, which is why a Hangup's "Channel Hungup" comes before the
 * events it causes and a synchronous Originate's answer before its events.
 */

import { createHash, randomInt } from 'node:crypto';
import type { Socket } from 'node:net';
import { AmiDecoder } from '../../../ami-codec/src/decoder.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import type { Logger } from '../../../protocol/src/log.js';
import { AMI_BANNER } from '../model/lab.js';
import type { AmiEvent } from '../model/pbx.js';
import { ack, encodeFrame, errorFrame, goodbye, type Frame } from './frame.js';

export interface AmiUser {
  username: string;
  secret: string;
}

/** What a session needs from the server around it. */
export interface SessionHost {
  readonly users: AmiUser[];
  readonly logger: Logger;
  /** Real milliseconds to wait before refusing a bad login (Asterisk sleeps 1 s). */
  readonly loginFailDelayMs: number;
  responding(): boolean;
  /** Every message read, before it is looked at. */
  received(m: AmiMessage): void;
  /** An action read while not responding (a hung Asterisk): counted, never answered. */
  unanswered(m: AmiMessage): void;
  /** Run a logged-in action; the result is written as the answer. */
  runAction(session: AmiSession, m: AmiMessage): Frame[] | Promise<Frame[]>;
  /** Login succeeded: FullyBooted for this session, SuccessfulAuth for all. */
  loggedIn(session: AmiSession): void;
  /** Formats an event for the wire (adds Timestamp when configured). */
  formatEvent(event: AmiEvent): string;
  closed(session: AmiSession): void;
}

export type EventMask = 'on' | 'off' | Set<string>;

export class AmiSession {
  authenticated = false;
  username = '';
  private mask: EventMask = 'on';
  private challenge = '';
  private readonly decoder = new AmiDecoder({ expectBanner: false });
  private chain: Promise<void> = Promise.resolve();
  private busy = 0;
  private held: string[] = [];
  private ended = false;

  constructor(
    readonly socket: Socket,
    private readonly host: SessionHost,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => host.logger.debug('AMI socket error', { err }));
    socket.on('close', () => {
      this.ended = true;
      host.closed(this);
    });
    this.write(`${AMI_BANNER}\r\n`);
  }

  get remote(): string {
    return `${this.socket.remoteAddress ?? '127.0.0.1'}/${this.socket.remotePort ?? 0}`;
  }

  get eventsEnabled(): boolean {
    return this.mask !== 'off';
  }

  private onData(chunk: Buffer): void {
    try {
      this.decoder.push(chunk, (m) => {
        this.chain = this.chain.then(() => this.handle(m)).catch((err: unknown) => this.host.logger.warn('AMI action failed', { err }));
      });
    } catch (err) {
      this.host.logger.warn('AMI protocol error; closing session', { err });
      this.destroy();
    }
  }

  write(text: string): void {
    if (this.ended || this.socket.destroyed) return;
    this.socket.write(text);
  }

  private send(frames: Frame[]): void {
    for (const f of frames) this.write(encodeFrame(f));
  }

  /** Close after pending writes (Logoff, failed login, shutdown). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.end();
  }

  /** Abrupt close (dropConnections). */
  destroy(): void {
    this.ended = true;
    this.socket.destroy();
  }

  /** An event from the PBX; written now, or after the running action's response. */
  deliver(event: AmiEvent): void {
    if (!this.authenticated || this.ended || !this.wants(event)) return;
    const text = this.host.formatEvent(event);
    if (this.busy > 0) this.held.push(text);
    else this.write(text);
  }

  private wants(event: AmiEvent): boolean {
    if (this.mask === 'off') return false;
    if (this.mask === 'on') return true;
    const mask = this.mask;
    return event.privilege.split(',').some((c) => c !== 'all' && mask.has(c));
  }

  private async handle(m: AmiMessage): Promise<void> {
    if (this.ended) return;
    this.host.received(m);
    if (!this.host.responding()) return this.host.unanswered(m);
    const action = (m.get('Action') ?? '').trim();
    if (!action) return this.send([errorFrame(m, 'Missing action in request')]);
    const name = action.toLowerCase();
    if (name === 'logoff') {
      this.send([goodbye(m)]);
      return this.end();
    }
    if (name === 'challenge') return this.send([this.onChallenge(m)]);
    if (name === 'login') return this.onLogin(m);
    if (!this.authenticated) return this.send([errorFrame(m, 'Permission denied')]);
    if (name === 'events') return this.send([this.onEvents(m)]);
    this.busy++;
    try {
      const frames = await this.host.runAction(this, m);
      if (this.host.responding()) this.send(frames);
    } finally {
      this.busy--;
      if (this.busy === 0) this.flushHeld();
    }
  }

  private flushHeld(): void {
    const held = this.held;
    this.held = [];
    for (const text of held) this.write(text);
  }

  private onChallenge(m: AmiMessage): Frame {
    if ((m.get('AuthType') ?? '').toLowerCase() !== 'md5') return errorFrame(m, 'Must specify AuthType');
    if (!this.challenge) this.challenge = String(randomInt(1, 2 ** 31 - 1));
    return ack(m, undefined, [['Challenge', this.challenge]]);
  }

  private async onLogin(m: AmiMessage): Promise<void> {
    if (this.authenticated) return this.send([ack(m, 'Already authenticated')]);
    const username = m.get('Username') ?? '';
    const user = this.host.users.find((u) => u.username === username);
    let ok = false;
    if (user) {
      if ((m.get('AuthType') ?? '').toLowerCase() === 'md5') {
        const key = (m.get('Key') ?? '').toLowerCase();
        ok = this.challenge !== '' && key === createHash('md5').update(this.challenge + user.secret).digest('hex');
      } else ok = (m.get('Secret') ?? '') === user.secret;
    }
    if (!ok) {
      // manager.c: sleep(1), then the error, then the session ends.
      await new Promise((r) => setTimeout(r, this.host.loginFailDelayMs));
      this.send([errorFrame(m, 'Authentication failed')]);
      return this.end();
    }
    this.authenticated = true;
    this.username = username;
    this.mask = parseMask(m.get('Events'));
    this.send([ack(m, 'Authentication accepted')]);
    this.host.loggedIn(this);
  }

  private onEvents(m: AmiMessage): Frame {
    const mask = parseMask(m.get('EventMask'));
    this.mask = mask;
    return { fields: [...ack(m).fields, ['Events', mask === 'off' ? 'Off' : 'On']] };
  }

  /** True when this session gets `system` events (FullyBooted after login). */
  wantsSystem(): boolean {
    return this.mask === 'on' || (this.mask !== 'off' && this.mask.has('system'));
  }
}

/** Login `Events:` / Events `EventMask:` → the session's mask (manager.c strings_to_mask). */
export function parseMask(value: string | undefined): EventMask {
  const v = (value ?? 'on').trim().toLowerCase();
  if (v === '' || v === 'on' || v === 'yes' || v === 'true' || v === 'all' || v === '1') return 'on';
  if (v === 'off' || v === 'no' || v === 'false' || v === 'none' || v === '0') return 'off';
  const set = new Set(v.split(',').map((s) => s.trim()).filter(Boolean));
  return set.size === 0 ? 'off' : set;
}
