/**
 * After-call work (`[enable] pausetime = yes`), the pure part: which agent is
 * in wrap-up, since when it is paused, and the cc_cdr waiting to learn how long.
 * The relay carries out the commands (QueuePause, timers) and persists
 * `pending()` so a restart finishes every wrap-up (docs/event-mapping.md).
 */

import type { CcCdrEvent } from '../../../protocol/src/events/box-events.js';
import type { EventMarks, MapperCommand } from './context.js';

export interface Wrapup {
  /** Queue member interface, e.g. `SIP/804`. */
  member: string;
  startedSec: number;
  /** First QueueMemberPause Paused: 1 after AgentComplete. */
  pausedSec?: number;
  /** Callers whose cc_cdr waits for this wrap-up (usually one). */
  waiting: string[];
  /** Built cc_cdrs (caller already hung up) waiting for pauseTime. */
  built: CcCdrEvent[];
  /** Call (Linkedid) of each built record, by caller uniqueid. */
  calls: Record<string, string>;
  /** Marks of built records that have some (recovered, partial), by caller uniqueid. */
  marks?: Record<string, EventMarks>;
}

/** A cc_cdr whose wrap-up ended: pauseTime set. */
export interface ReleasedRecord {
  record: CcCdrEvent;
  call?: string;
  marks?: EventMarks;
}

/** What survives a restart. */
export interface PersistedWrapup {
  member: string;
  pausedSec?: number;
  startedSec: number;
  built: CcCdrEvent[];
  calls?: Record<string, string>;
}

/** Everything, for the relay's state checkpoints (events/persist.ts). */
export interface WrapupsJson {
  wrapups: Wrapup[];
  settled: Array<[string, number]>;
}

export class Wrapups {
  private readonly byMember = new Map<string, Wrapup>();
  /** pauseTime of wrap-ups that ended while their caller was still on the line. */
  private readonly settled = new Map<string, number>();
  /** Set when something a restart must know changed; cleared by save(). */
  private dirty = false;

  constructor(readonly wrapupSeconds: number) {}

  /**
   * AgentComplete for `member`, answering `callerUniqueid`'s call, at `sec`.
   * `remainingMs`: what is left of it (a wrap-up that began while the relay
   * was not listening), the whole wrap-up by default.
   */
  start(member: string, callerUniqueid: string, sec: number, commands: MapperCommand[], remainingMs = this.wrapupSeconds * 1000): void {
    const key = member.toLowerCase();
    const w = this.byMember.get(key);
    if (w) {
      w.waiting.push(callerUniqueid);
    } else {
      this.byMember.set(key, { member, startedSec: sec, waiting: [callerUniqueid], built: [], calls: {} });
      commands.push({ kind: 'pause', member });
      commands.push({ kind: 'schedule-unpause', member, delayMs: remainingMs });
    }
    this.dirty = true;
  }

  /** Is this caller's cc_cdr waiting for after-call work? */
  isWaiting(callerUniqueid: string): boolean {
    for (const w of this.byMember.values()) if (w.waiting.includes(callerUniqueid)) return true;
    return false;
  }

  /** The caller hung up: keep its built record until the wrap-up ends. */
  hold(callerUniqueid: string, record: CcCdrEvent, call?: string, marks?: EventMarks): void {
    for (const w of this.byMember.values()) {
      if (w.waiting.includes(callerUniqueid)) {
        w.built.push(record);
        if (call) w.calls[callerUniqueid] = call;
        if (marks) (w.marks ??= {})[callerUniqueid] = marks;
        this.dirty = true;
        return;
      }
    }
  }

  /**
   * QueueMemberPause for `member`. Returns the finished cc_cdrs (pauseTime
   * set) when this ends the wrap-up; `cancel` says the relay's timer is moot.
   */
  onPause(member: string, paused: boolean, sec: number, commands: MapperCommand[]): ReleasedRecord[] {
    const w = this.byMember.get(member.toLowerCase());
    if (!w) return [];
    if (paused) {
      if (w.pausedSec === undefined) {
        w.pausedSec = sec;
        this.dirty = true;
      }
      return [];
    }
    // Unpaused before the wrap-up even began (a stale event): ignore.
    if (w.pausedSec === undefined) return [];
    commands.push({ kind: 'cancel-unpause', member: w.member });
    return this.finish(w, sec);
  }

  /** The relay gave up waiting for Asterisk's unpause event: finish with what is known. */
  expire(member: string, sec: number): ReleasedRecord[] {
    const w = this.byMember.get(member.toLowerCase());
    return w ? this.finish(w, sec) : [];
  }

  private finish(w: Wrapup, sec: number): ReleasedRecord[] {
    this.byMember.delete(w.member.toLowerCase());
    this.dirty = true;
    const pauseTime = w.pausedSec === undefined ? 0 : Math.max(0, Math.round(sec - w.pausedSec));
    const built = new Set(w.built.map((r) => r.uuid));
    for (const id of w.waiting) if (!built.has(id)) this.settled.set(id, pauseTime);
    return w.built.map((r) => ({ record: { ...r, pauseTime }, call: w.calls[r.uuid], marks: w.marks?.[r.uuid] }));
  }

  /** pauseTime for a caller whose agent's wrap-up already ended (e.g. it stayed for a survey). */
  takeSettled(callerUniqueid: string): number | undefined {
    const v = this.settled.get(callerUniqueid);
    if (v !== undefined) {
      this.settled.delete(callerUniqueid);
      this.dirty = true;
    }
    return v;
  }

  /** Something a restart must know changed since the last save(). */
  get changed(): boolean {
    return this.dirty;
  }

  /** Give what a restart must know to `write`; once it has returned, nothing is left to save. */
  save(write: (pending: PersistedWrapup[]) => void): void {
    write(this.pending());
    this.dirty = false;
  }

  pending(): PersistedWrapup[] {
    return [...this.byMember.values()].map((w) => ({ member: w.member, pausedSec: w.pausedSec, startedSec: w.startedSec, built: w.built, calls: w.calls }));
  }

  restore(saved: PersistedWrapup[]): void {
    for (const s of saved) {
      this.byMember.set(s.member.toLowerCase(), {
        member: s.member,
        startedSec: s.startedSec,
        pausedSec: s.pausedSec,
        built: s.built,
        calls: s.calls ?? {},
        waiting: s.built.map((b) => b.uuid),
      });
    }
  }

  get size(): number {
    return this.byMember.size;
  }

  toJSON(): WrapupsJson {
    return { wrapups: [...this.byMember.values()], settled: [...this.settled] };
  }

  /** Replace everything with a checkpoint's (the mapper's restore after a restart). */
  load(json: WrapupsJson): void {
    this.byMember.clear();
    this.settled.clear();
    for (const w of json.wrapups) this.byMember.set(w.member.toLowerCase(), w);
    for (const [id, n] of json.settled) this.settled.set(id, n);
    this.dirty = false;
  }

  /** Members in wrap-up. */
  members(): string[] {
    return [...this.byMember.values()].map((w) => w.member);
  }

  /** Mark the change as saved without a writer (the journal takes toJSON() itself). */
  markSaved(): void {
    this.dirty = false;
  }
}
