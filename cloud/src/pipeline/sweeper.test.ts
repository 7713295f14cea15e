/**
 * The local cloud's sweeper: every chore runs once per period, one run at a
 * time, a failing chore is logged and does not keep the others from running,
 * and nothing runs after stop.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../protocol/src/clock.js';
import { createLogger } from '../../../protocol/src/log.js';
import { Sweeper } from './sweeper.js';

/** Let the sweep's awaits settle after the clock fired it. */
const settle = () => new Promise((r) => setImmediate(r));

describe('the sweeper', () => {
  it('runs every chore each period, in order, and goes on past a failing one', async () => {
    const clock = new ManualClock(0);
    const ran: string[] = [];
    const lines: Array<Record<string, unknown>> = [];
    const log = createLogger({ level: 'warn', write: (l) => lines.push(JSON.parse(l)) });
    const sweeper = new Sweeper(
      clock,
      1000,
      [
        { name: 'outbox', run: async () => ran.push(`outbox@${clock.now()}`) },
        { name: 'webhook delivery', run: async () => Promise.reject(new Error('DynamoDB is away')) },
        { name: 'third', run: async () => ran.push(`third@${clock.now()}`) },
      ],
      log,
    );
    sweeper.start();
    clock.advance(999);
    await settle();
    expect(ran).toEqual([]);
    clock.advance(1);
    await settle();
    expect(ran).toEqual(['outbox@1000', 'third@1000']);
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', msg: 'webhook delivery sweep failed' })]);
    clock.advance(1000);
    await settle();
    expect(ran).toEqual(['outbox@1000', 'third@1000', 'outbox@2000', 'third@2000']);
    await sweeper.stop();
    clock.advance(5000);
    await settle();
    expect(ran).toHaveLength(4);
    expect(clock.pending).toBe(0);
  });

  it('runs a run asked for now after the one in progress, never two at once', async () => {
    let running = 0;
    let most = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sweeper = new Sweeper(new ManualClock(0), 1000, [{ name: 'slow', run: async () => ((most = Math.max(most, ++running)), await gate, running--) }], createLogger({ level: 'error' }));
    const first = sweeper.runNow();
    const second = sweeper.runNow();
    release();
    await Promise.all([first, second]);
    expect(most).toBe(1);
  });
});
