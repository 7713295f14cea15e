/**
 * Following something the cloud does in the background (a replay job, a
 * resent delivery waiting for its attempt): ask again every `everyMs` until
 * the answer says it is over, handing each answer on, and stop asking when
 * the page that asked goes away (`signal`). The clock is injectable so the
 * loop is tested without waiting.
 */

export interface FollowOptions {
  everyMs: number;
  signal: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `first` and each later answer of `load` to `onEach`, until `over(answer)`; the last answer, or undefined when aborted first. */
export async function follow<T>(first: T, load: () => Promise<T>, over: (answer: T) => boolean, onEach: (answer: T) => void, opts: FollowOptions): Promise<T | undefined> {
  const sleep = opts.sleep ?? wait;
  let answer = first;
  for (;;) {
    if (opts.signal.aborted) return undefined;
    onEach(answer);
    if (over(answer)) return answer;
    await sleep(opts.everyMs);
    if (opts.signal.aborted) return undefined;
    answer = await load();
  }
}
