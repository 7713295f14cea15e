/**
 * When the snapshot is taken, on a manual clock: at login once Asterisk says
 * FullyBooted (or after the wait), again when FullyBooted comes late (an
 * Asterisk still booting), and retried with backoff while parts fail.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../protocol/src/clock.js';
import { captureLog } from '../../../test/helpers/log-capture.js';
import { SnapshotScheduler } from './snapshots.js';

function scheduler(answers: string[][], opts: { retry?: (n: number) => number | null } = {}) {
  const clock = new ManualClock(0);
  const log = captureLog('debug');
  const taken: number[] = [];
  const s = new SnapshotScheduler({
    clock,
    logger: log.logger,
    bootWaitMs: 1000,
    retry: opts.retry ?? ((n) => (n <= 3 ? 100 * 2 ** (n - 1) : null)),
    take: async () => {
      taken.push(clock.now());
      return answers.shift() ?? [];
    },
  });
  return { s, clock, taken, log };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('snapshot scheduling', () => {
  it('takes it at once when FullyBooted came with the login, once', async () => {
    const { s, taken, clock } = scheduler([[]]);
    s.fullyBooted();
    s.ready();
    await settle();
    clock.advance(10_000);
    await settle();
    expect(taken).toEqual([0]);
  });

  it('without FullyBooted, takes it after the wait; FullyBooted later takes it again', async () => {
    const { s, taken, clock, log } = scheduler([['QueueStatus'], [], []]);
    s.ready();
    clock.advance(999);
    await settle();
    expect(taken).toEqual([]);
    clock.advance(1);
    await settle();
    expect(taken).toEqual([1000]);
    clock.advance(50);
    // Asterisk finished booting before the retry fell due: taken again now, and the retry is moot.
    s.fullyBooted();
    await settle();
    expect(taken).toEqual([1000, 1050]);
    clock.advance(10_000);
    await settle();
    expect(taken).toEqual([1000, 1050]);
    expect(log.messages()).toContain('Asterisk has finished booting: taking the snapshot again');
  });

  it('retries a snapshot with failed parts on the backoff, bounded, and says when it gives up', async () => {
    const { s, taken, clock, log } = scheduler([['QueueStatus'], ['QueueStatus'], ['QueueStatus'], ['QueueStatus']]);
    s.fullyBooted();
    s.ready();
    for (let i = 0; i < 40; i++) {
      await settle();
      clock.advance(50);
    }
    await settle();
    expect(taken).toEqual([0, 100, 300, 700]);
    expect(log.lines.filter((l) => l.msg === 'snapshot incomplete; retrying').map((l) => l.inMs)).toEqual([100, 200, 400]);
    expect(log.lines.find((l) => l.level === 'error')).toMatchObject({ msg: 'snapshot still incomplete; giving up until the next login', failed: ['QueueStatus'] });
  });

  it('a dropped session cancels what was scheduled; the next login starts over', async () => {
    const { s, taken, clock } = scheduler([['QueueStatus'], []]);
    s.fullyBooted();
    s.ready();
    await settle();
    s.disconnected();
    clock.advance(10_000);
    await settle();
    expect(taken).toEqual([0]);
    s.ready();
    clock.advance(1000);
    await settle();
    expect(taken).toEqual([0, 11_000]);
  });
});
