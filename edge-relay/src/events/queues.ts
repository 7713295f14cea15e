/**
 * Queue membership and member states, as app_queue reports them: QueueStatus
 * at (re)connect, then QueueMemberAdded / Removed / Pause / Status / Penalty.
 * The mapper needs it for missCause NO_AGENT_LOGIN ("no member logged in and
 * reachable when the caller joined").
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';

export interface QueueMember {
  iface: string;
  /** Member name (QueueStatus Name, QueueMemberAdded MemberName): queue_log names members by it. */
  name?: string;
  /** AST_DEVICE_* code as app_queue sends it (4 INVALID, 5 UNAVAILABLE). */
  status: number;
  paused: boolean;
  /** Mapper message number of the last event that updated it (0 for snapshot data). */
  updatedAt: number;
}

/** Device states that mean "not logged in / not reachable". */
const UNREACHABLE = new Set([4, 5]);

export class QueueTable {
  private readonly queues = new Map<string, Map<string, QueueMember>>();
  /** Changed since the relay's state was last committed. */
  changed = false;

  /**
   * Replace everything with a QueueStatus answer (QueueParams + QueueMember
   * items). Members that events updated after the snapshot was requested keep
   * what the events said: the answer may be older than them.
   */
  replace(items: AmiMessage[], requestedAt: number): void {
    const newer: Array<[string, QueueMember]> = [];
    for (const [queue, members] of this.queues) for (const m of members.values()) if (m.updatedAt > requestedAt) newer.push([queue, m]);
    this.queues.clear();
    this.changed = true;
    for (const e of items) {
      const queue = e.get('Queue');
      if (queue === undefined) continue;
      if (e.event === 'QueueParams') this.members(queue);
      else if (e.event === 'QueueMember') this.upsert(queue, e.get('Location') ?? e.get('Interface') ?? '', e, 0);
    }
    for (const [queue, m] of newer) this.members(queue).set(m.iface.toLowerCase(), m);
  }

  /** Apply a QueueMember* event (the mapper's message number `at`). */
  apply(e: AmiMessage, at: number): void {
    const queue = e.get('Queue');
    const iface = e.get('Interface') ?? e.get('Location');
    if (queue === undefined || iface === undefined) return;
    this.changed = true;
    if (e.event === 'QueueMemberRemoved') this.members(queue).delete(iface.toLowerCase());
    else this.upsert(queue, iface, e, at);
  }

  known(queue: string): boolean {
    return this.queues.has(queue);
  }

  /** Members logged in and reachable (paused ones count: they are logged in). */
  reachableMembers(queue: string): number {
    let n = 0;
    for (const m of this.queues.get(queue)?.values() ?? []) if (!UNREACHABLE.has(m.status)) n++;
    return n;
  }

  /** Every queue this interface is a member of. */
  queuesOf(iface: string): string[] {
    const key = iface.toLowerCase();
    return [...this.queues].filter(([, members]) => members.has(key)).map(([q]) => q);
  }

  get size(): number {
    return this.queues.size;
  }

  /** The interface of a queue's member by its name (case-sensitive, as app_queue writes it). */
  interfaceByName(queue: string, name: string): string | undefined {
    for (const m of this.queues.get(queue)?.values() ?? []) if (m.name === name) return m.iface;
    for (const members of this.queues.values()) for (const m of members.values()) if (m.name === name) return m.iface;
    return undefined;
  }

  /** Replace one queue's members with a QueueStatus answer for that queue only (members updated since keep what events said). */
  replaceQueue(queue: string, items: AmiMessage[], requestedAt: number): void {
    const newer = [...(this.queues.get(queue)?.values() ?? [])].filter((m) => m.updatedAt > requestedAt);
    this.queues.delete(queue);
    this.changed = true;
    for (const e of items) {
      if (e.get('Queue') !== queue) continue;
      if (e.event === 'QueueParams') this.members(queue);
      else if (e.event === 'QueueMember') this.upsert(queue, e.get('Location') ?? e.get('Interface') ?? '', e, 0);
    }
    for (const m of newer) this.members(queue).set(m.iface.toLowerCase(), m);
  }

  toJSON(): Array<[string, QueueMember[]]> {
    return [...this.queues].map(([q, members]) => [q, [...members.values()]]);
  }

  load(json: Array<[string, QueueMember[]]>): void {
    this.queues.clear();
    for (const [q, members] of json) this.queues.set(q, new Map(members.map((m) => [m.iface.toLowerCase(), { ...m, updatedAt: 0 }])));
    this.changed = false;
  }

  private members(queue: string): Map<string, QueueMember> {
    let m = this.queues.get(queue);
    if (!m) {
      m = new Map();
      this.queues.set(queue, m);
    }
    return m;
  }

  private upsert(queue: string, iface: string, e: AmiMessage, at: number): void {
    if (!iface) return;
    const members = this.members(queue);
    const key = iface.toLowerCase();
    const prev = members.get(key);
    const status = Number(e.get('Status'));
    const paused = e.get('Paused');
    const name = e.get('Name') ?? e.get('MemberName') ?? prev?.name;
    members.set(key, {
      iface,
      ...(name !== undefined ? { name } : {}),
      status: Number.isFinite(status) ? status : (prev?.status ?? 0),
      paused: paused === undefined ? (prev?.paused ?? false) : paused === '1' || paused.toLowerCase() === 'true',
      updatedAt: at,
    });
  }
}
