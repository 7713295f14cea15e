/**
 * Demo traffic: a steady, realistic mix of calls so the product's demo shows
 * live events — internal calls (some busy, unanswered, held), queue calls
 * (answered and abandoned), IVR visits, inbound and outbound trunk calls, and
 * now and then a phone that registers or leaves. A phone is never put in two
 * demo calls at once.
 */

import type { Clock, TimerHandle } from '../../protocol/src/clock.js';
import { systemClock } from '../../protocol/src/clock.js';
import type { Logger } from '../../protocol/src/log.js';
import { silentLogger } from '../../protocol/src/log.js';
import type { CallResult, PbxSimulator } from './index.js';

export interface DemoOptions {
  /** Real ms between two new scenarios (default 4000). */
  intervalMs?: number;
  /** At most this many demo scenarios at a time (default 3). */
  maxConcurrent?: number;
  /** Random source, for a repeatable demo. */
  random?: () => number;
  clock?: Clock;
  logger?: Logger;
}

type Scenario = { name: string; phones: string[]; run: () => Promise<CallResult | void> };

const CALLERS = ['800', '801', '802', '808'];

export class DemoTraffic {
  private timer: TimerHandle | undefined;
  private running = 0;
  private readonly busy = new Set<string>();
  private stopped = true;
  private readonly intervalMs: number;
  private readonly maxConcurrent: number;
  private readonly random: () => number;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(
    private readonly sim: PbxSimulator,
    options: DemoOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 4000;
    this.maxConcurrent = options.maxConcurrent ?? 3;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.running < this.maxConcurrent) this.launch();
    this.timer = this.clock.setTimeout(() => this.tick(), this.intervalMs);
  }

  private pick<T>(items: T[]): T {
    return items[Math.floor(this.random() * items.length) % items.length];
  }

  private free(candidates: string[]): string | undefined {
    const free = candidates.filter((c) => !this.busy.has(c));
    return free.length ? this.pick(free) : undefined;
  }

  /** Choose a scenario whose phones are all free right now. */
  private choose(): Scenario | undefined {
    const sim = this.sim;
    const caller = this.free(CALLERS);
    if (!caller) return undefined;
    const talkMs = 5000 + Math.floor(this.random() * 20000);
    const number = `00493${Math.floor(1e7 + this.random() * 9e7)}`;
    const agentsFree = !['803', '804', '805'].some((a) => this.busy.has(a));
    const options: Array<Scenario | undefined> = [
      (() => {
        const callee = this.free(['800', '801', '802', '804'].filter((x) => x !== caller));
        return callee ? { name: 'internal call', phones: [caller, callee], run: () => sim.call(caller, callee, { talkMs }) } : undefined;
      })(),
      (() => {
        const callee = this.free(['802', '804'].filter((x) => x !== caller));
        return callee ? { name: 'call with hold', phones: [caller, callee], run: () => sim.call(caller, callee, { talkMs, holdMs: 4000 }) } : undefined;
      })(),
      !this.busy.has('805') ? { name: 'busy call', phones: [caller, '805'], run: () => sim.call(caller, '805') } : undefined,
      !this.busy.has('806') ? { name: 'unanswered call', phones: [caller, '806'], run: () => sim.call(caller, '806') } : undefined,
      agentsFree ? { name: 'queue call', phones: [caller, '803', '804', '805'], run: () => sim.queueCall(caller, '630', { talkMs }) } : undefined,
      agentsFree
        ? { name: 'abandoned queue call', phones: [caller, '803', '804', '805'], run: () => sim.queueCall(caller, '630', { abandonAfterMs: 3000 + Math.floor(this.random() * 4000) }) }
        : undefined,
      { name: 'IVR account entry', phones: [caller], run: () => sim.ivrCall(caller, `2${Math.floor(1000 + this.random() * 8999)}#`) },
      agentsFree
        ? { name: 'inbound trunk call', phones: ['803', '804', '805'], run: () => sim.trunkInbound(number, '4930555000', { ivr: { digits: '1' }, queue: { talkMs } }) }
        : undefined,
      { name: 'outbound trunk call', phones: [caller], run: () => sim.trunkOutbound(caller, number) },
      !this.busy.has('807') ? { name: 'phone 807 comes and goes', phones: ['807'], run: () => this.flap('807') } : undefined,
    ];
    const possible = options.filter((o): o is Scenario => o !== undefined);
    return possible.length ? this.pick(possible) : undefined;
  }

  private async flap(ext: string): Promise<void> {
    await this.sim.register(ext);
    await new Promise<void>((r) => this.clock.setTimeout(r, 15_000));
    await this.sim.unregister(ext);
  }

  private launch(): void {
    const s = this.choose();
    if (!s) return;
    for (const p of s.phones) this.busy.add(p);
    this.running++;
    this.logger.info('demo scenario', { scenario: s.name, phones: s.phones });
    s.run()
      .then((r) => this.logger.debug('demo scenario done', { scenario: s.name, outcome: r ? r.outcome : 'done' }))
      .catch((err: unknown) => {
        if (!this.stopped) this.logger.warn('demo scenario failed', { scenario: s.name, err });
      })
      .finally(() => {
        this.running--;
        for (const p of s.phones) this.busy.delete(p);
      });
  }
}
