import { describe, expect, it } from 'vitest';
import { follow } from './follow.js';

describe('follow', () => {
  it('asks again until the answer says it is over, handing on every answer', async () => {
    const answers = [2, 3, 4];
    const seen: number[] = [];
    const sleeps: number[] = [];
    const last = await follow(1, async () => answers.shift()!, (n) => n >= 3, (n) => seen.push(n), { everyMs: 250, signal: new AbortController().signal, sleep: async (ms) => void sleeps.push(ms) });
    expect(last).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
    expect(sleeps).toEqual([250, 250]);
    expect(answers).toEqual([4]);
  });

  it('stops asking once its page is gone', async () => {
    const stop = new AbortController();
    let loads = 0;
    const last = await follow(
      'running',
      async () => (loads++, 'running'),
      (s) => s === 'done',
      () => undefined,
      { everyMs: 1, signal: stop.signal, sleep: async () => void (loads === 2 && stop.abort()) },
    );
    expect(last).toBeUndefined();
    expect(loads).toBe(2);
  });
});
