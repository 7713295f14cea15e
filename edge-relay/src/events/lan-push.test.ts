/**
 * The LAN push against a real HTTP receiver on loopback, with the retry
 * timers on a manual clock: order, the backoff schedule, resuming where it
 * stopped, and giving up when the strategy says so.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../protocol/src/clock.js';
import type { BoxEvent } from '../../../protocol/src/events/box-events.js';
import { captureLog } from '../../../test/helpers/log-capture.js';
import { startReceiver, type Receiver } from '../../../test/helpers/receiver.js';
import { quietLogger, tempDir } from '../../../test/helpers/relay-harness.js';
import { waitFor } from '../../../test/helpers/wait.js';
import type { RetryStrategy } from '../retry.js';
import { LAN_CONSUMER, LanPusher } from './lan-push.js';
import { Spool } from './spool.js';

const ev = (n: number): BoxEvent => ({ event: 'extensionstatus', timestamp: `${1795513000 + n}.000000`, exten: String(800 + n), status: String(n % 2), statustext: n % 2 ? 'InUse' : 'Idle', mac: '' });

let receiver: Receiver | undefined;
let pusher: LanPusher | undefined;
let spool: Spool | undefined;

afterEach(async () => {
  pusher?.stop();
  await spool?.close();
  await receiver?.close();
  receiver = pusher = spool = undefined;
});

async function setUp(retryStrategy: RetryStrategy, opts: { dir?: string; logger?: typeof quietLogger } = {}) {
  receiver ??= await startReceiver();
  const clock = new ManualClock(0);
  spool = new Spool({ dir: opts.dir ?? tempDir('push-'), consumers: [LAN_CONSUMER] });
  pusher = new LanPusher({ url: receiver.url, spool, logger: opts.logger ?? quietLogger, clock, retryStrategy });
  return { clock, spool, pusher, receiver };
}

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const exts = (r: Receiver) => r.events().map((e) => Number(e.exten) - 800);
const seqs = (r: Receiver) => r.received.map((x) => Number(x.headers['x-coocenter-seq']));

describe('LAN push', () => {
  it('POSTs every event as the box did, one at a time, in spool order, seq in the headers', async () => {
    const { spool, pusher, receiver } = await setUp(() => 10);
    pusher.start();
    spool.append([ev(0), ev(1), ev(2)]);
    spool.append([ev(3), ev(4)]);
    await waitFor(() => pusher.backlog === 0 && spool.durableSeq === 5, { what: 'all pushed' });
    expect(exts(receiver)).toEqual([0, 1, 2, 3, 4]);
    expect(seqs(receiver)).toEqual([1, 2, 3, 4, 5]);
    expect(receiver.received[0].body).toEqual(ev(0)); // the box event, exactly
    expect(receiver.received[0].headers['content-type']).toBe('application/json');
    expect(receiver.received[0].headers['x-coocenter-event']).toBe('extensionstatus');
    expect(receiver.received.map((x) => x.headers['user-agent'])).toEqual(Array(5).fill(`coocenter-relay/${version}`));
    expect(pusher.delivered).toBe(5);
  });

  it('retries the refused event on the strategy\'s schedule, resumes in order, and starts the schedule over after a success', async () => {
    const attempts: number[] = [];
    const delays = [100, 200, 400];
    const { clock, spool, pusher, receiver } = await setUp((n) => (attempts.push(n), delays[n - 1] ?? 1000));
    receiver.status = 503;
    spool.append([ev(0), ev(1), ev(2)]);
    pusher.start();
    await waitFor(() => attempts.length === 1, { what: 'first refusal' });
    expect(receiver.refused).toBe(1);
    clock.advance(99);
    expect(clock.pending).toBe(1); // the retry waits on the injected clock, not yet due
    clock.advance(1);
    await waitFor(() => attempts.length === 2, { what: 'second refusal' });
    expect(receiver.refused).toBe(2);
    clock.advance(200);
    await waitFor(() => attempts.length === 3, { what: 'third refusal' });
    receiver.status = 200;
    clock.advance(400);
    await waitFor(() => pusher.backlog === 0, { what: 'backlog delivered' });
    expect(exts(receiver)).toEqual([0, 1, 2]);
    expect(seqs(receiver)).toEqual([1, 2, 3]);

    receiver.status = 503;
    spool.append([ev(3)]);
    await waitFor(() => attempts.length === 4, { what: 'refusal after recovery' });
    expect(attempts).toEqual([1, 2, 3, 1]);
  });

  it('resumes after a restart with the first event the receiver has not accepted', async () => {
    const dir = tempDir('push-');
    const first = await setUp(() => 10, { dir });
    first.pusher.start();
    first.spool.append([ev(0), ev(1), ev(2)]);
    await waitFor(() => first.pusher.backlog === 0 && first.spool.durableSeq === 3, { what: 'first three pushed' });
    first.pusher.stop();
    first.spool.append([ev(3), ev(4)]);
    await first.spool.close();

    const second = await setUp(() => 10, { dir });
    expect(second.pusher.backlog).toBe(2);
    second.pusher.start();
    await waitFor(() => second.pusher.backlog === 0, { what: 'the rest pushed' });
    expect(exts(second.receiver)).toEqual([0, 1, 2, 3, 4]);
    expect(seqs(second.receiver)).toEqual([1, 2, 3, 4, 5]);
  });

  it('gives up for good when the strategy answers null, keeping the events in the spool', async () => {
    const log = captureLog('warn');
    const { clock, spool, pusher, receiver } = await setUp((n) => (n < 2 ? 50 : null), { logger: log.logger });
    receiver.status = 503;
    spool.append([ev(0), ev(1)]);
    pusher.start();
    await waitFor(() => receiver.refused === 1 && clock.pending === 1, { what: 'first retry scheduled' });
    clock.advance(50);
    const line = await log.waitFor(/^event push abandoned/);
    expect(line).toMatchObject({ level: 'error', attempts: 2, seq: 1 });
    expect(receiver.refused).toBe(2);
    expect(clock.pending).toBe(0);
    expect(pusher.backlog).toBe(2);
    expect(spool.listenerCount('durable')).toBe(0); // new events wake nothing up
  });
});
