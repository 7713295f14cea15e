/**
 * Carries out after-call work for the mapper: pauses the agent, unpauses it
 * when wrapup_seconds have passed, and keeps the pending unpauses in a file
 * (the wrap-ups themselves and the cc_cdrs waiting for them are the mapper's
 * state, saved with its events), so that a relay restarted mid wrap-up
 * neither leaves an agent paused forever nor loses the record.
 */

import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../atomic-file.js';
import type { Clock, TimerHandle } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { AmiActions } from '../pbx/ami-pbx.js';
import type { MapResult } from './mapper.js';
import type { WrapupCommand } from './context.js';
import type { EventMapper } from './mapper.js';

interface Saved {
  timers: Array<{ member: string; dueAtMs: number }>;
}

/** How long to wait for Asterisk's QueueMemberPause after our unpause before finishing anyway. */
const CONFIRM_MS = 10_000;

export interface WrapupRunnerOptions {
  ami: AmiActions;
  mapper: EventMapper;
  file: string;
  clock: Clock;
  logger: Logger;
  /** Where finished records go (the spool). */
  publish: (result: MapResult) => void;
}

export class WrapupRunner {
  private readonly due = new Map<string, { dueAtMs: number; timer?: TimerHandle; confirm?: TimerHandle }>();
  private readonly log: Logger;

  constructor(private readonly opts: WrapupRunnerOptions) {
    this.log = opts.logger.child({ [LogField.component]: 'wrapup' });
  }

  /**
   * Load the unpauses a previous run left (overdue ones are sent as soon as
   * AMI is up). A wrap-up the mapper restored without one (a crash between
   * the two saves) is unpaused at once too: an agent must never stay paused.
   */
  restore(): void {
    const saved: Saved = existsSync(this.opts.file) ? (JSON.parse(readFileSync(this.opts.file, 'utf8')) as Saved) : { timers: [] };
    for (const t of saved.timers) this.schedule(t.member, t.dueAtMs);
    const now = this.opts.clock.now();
    for (const member of this.opts.mapper.wrapups.members()) if (!this.due.has(member)) this.schedule(member, now);
    if (this.due.size > 0) this.log.info('restored pending wrap-ups', { members: [...this.due.keys()] });
  }

  handle(commands: WrapupCommand[]): void {
    for (const c of commands) {
      if (c.kind === 'pause') {
        this.opts.ami
          .action('QueuePause', { Interface: c.member, Paused: true, Reason: 'wrapup' })
          .catch((err) => this.log.warn('wrap-up pause failed', { member: c.member, error: err }));
      } else if (c.kind === 'schedule-unpause') {
        this.schedule(c.member, this.opts.clock.now() + c.delayMs);
      } else {
        this.clear(c.member);
      }
    }
    if (commands.length > 0) this.persist();
  }

  /** AMI is back: send every unpause that fell due while it was down. */
  onAmiReady(): void {
    const now = this.opts.clock.now();
    for (const [member, d] of this.due) if (d.dueAtMs <= now && !d.confirm) this.unpause(member);
  }

  persist(): void {
    const saved: Saved = { timers: [...this.due].map(([member, d]) => ({ member, dueAtMs: d.dueAtMs })) };
    writeFileAtomicSync(this.opts.file, JSON.stringify(saved));
  }

  stop(): void {
    for (const d of this.due.values()) {
      this.opts.clock.clearTimeout(d.timer);
      this.opts.clock.clearTimeout(d.confirm);
    }
  }

  private schedule(member: string, dueAtMs: number): void {
    this.clear(member);
    const delay = Math.max(0, dueAtMs - this.opts.clock.now());
    const entry: { dueAtMs: number; timer?: TimerHandle; confirm?: TimerHandle } = { dueAtMs };
    entry.timer = this.opts.clock.setTimeout(() => this.unpause(member), delay);
    this.due.set(member, entry);
  }

  private clear(member: string): void {
    const d = this.due.get(member);
    if (!d) return;
    this.opts.clock.clearTimeout(d.timer);
    this.opts.clock.clearTimeout(d.confirm);
    this.due.delete(member);
    this.persist();
  }

  private unpause(member: string): void {
    const d = this.due.get(member);
    if (!d) return;
    this.opts.ami.action('QueuePause', { Interface: member, Paused: false }).then(
      () => {
        // Asterisk's QueueMemberPause normally ends the wrap-up (cancel-unpause);
        // if it never comes, finish with what we know.
        d.confirm = this.opts.clock.setTimeout(() => {
          if (!this.due.has(member)) return;
          this.opts.publish(this.opts.mapper.expireWrapup(member, this.opts.clock.now()));
          this.clear(member);
        }, CONFIRM_MS);
      },
      (err) => {
        // Not connected: onAmiReady() retries. Refused (no longer a member): finish now.
        this.log.warn('wrap-up unpause failed', { member, error: err });
        if ((err as { code?: string }).code === 'AMI_ACTION_FAILED') {
          this.opts.publish(this.opts.mapper.expireWrapup(member, this.opts.clock.now()));
          this.clear(member);
        }
      },
    );
  }
}
