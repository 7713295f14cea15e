import { describe, expect, it } from 'vitest';
import { allSettledOrThrow } from './settle.js';

/** A promise settled by the test. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Every callback already due has run (no timer involved: only what is queued now). */
const drained = () => new Promise((r) => setImmediate(r));

describe('allSettledOrThrow', () => {
  it('does not fail while another request of the step is still on the wire, then fails with the first failure', async () => {
    const slow = deferred<string>();
    let outcome: unknown;
    const step = allSettledOrThrow([Promise.reject(new Error('refused')), slow.promise, Promise.reject(new Error('later'))]).then(
      () => (outcome = 'ok'),
      (err: Error) => (outcome = err.message),
    );
    await drained();
    // Promise.all would have failed the step here, with `slow` still running.
    expect(outcome).toBeUndefined();
    slow.resolve('taken');
    await step;
    expect(outcome).toBe('refused');
  });

  it('gives every value, in order, when all succeed', async () => {
    expect(await allSettledOrThrow([Promise.resolve(1), Promise.resolve(2)])).toEqual([1, 2]);
    expect(await allSettledOrThrow([])).toEqual([]);
  });
});
