/**
 * The local cloud's delivery worker: long-polls both delivery queues and runs
 * each message through handleDelivery (the same function the SQS Lambda
 * runs), or, for a replay job's step, through runReplayStep. Standard-queue messages are handled in parallel; the FIFO queue
 * hands out one message per group at a time, so ordered endpoints see a
 * call's events in order.
 */

import type { Logger } from '../../../protocol/src/log.js';
import { handleDelivery, type DeliveryDeps } from './deliver.js';
import { groupOf, type ReceivedMessage } from './queue.js';
import { isReplayStep, runReplayStep } from './replays.js';
import { LogField } from '../../../protocol/src/log-fields.js';

/**
 * Handle one receive's messages: groups in parallel, each group in order. A
 * FIFO receive may hold several messages of one group; once one of them is
 * put back for a retry, the rest of its group waits with it, so order holds.
 * Returns the messages that failed unexpectedly (for SQS partial batch failures).
 */
export async function handleBatch(deps: DeliveryDeps, messages: ReceivedMessage[], log: Logger): Promise<ReceivedMessage[]> {
  const fifo = messages.length > 0 && messages[0].queueUrl === deps.queue.urls.fifo;
  const groups = new Map<string, ReceivedMessage[]>();
  messages.forEach((m, i) => {
    const g = fifo ? groupOf(m.body) : String(i);
    groups.set(g, [...(groups.get(g) ?? []), m]);
  });
  const failed: ReceivedMessage[] = [];
  await Promise.all(
    [...groups.values()].map(async (group) => {
      for (let i = 0; i < group.length; i++) {
        let verdict;
        try {
          const body = group[i].body;
          if (isReplayStep(body)) {
            await runReplayStep(deps, body);
            await deps.queue.done(group[i]);
            continue;
          }
          verdict = await handleDelivery(deps, group[i]);
        } catch (err) {
          // Left as is: the message reappears after its visibility timeout.
          log.error('delivery handling failed', { [LogField.error]: err });
          failed.push(...group.slice(i));
          return;
        }
        if (verdict.kind === 'retry') {
          for (const rest of group.slice(i + 1)) await deps.queue.later(rest, verdict.delaySec);
          return;
        }
      }
    }),
  );
  return failed;
}

/** How long one receive waits for messages (SQS long polling). */
export const RECEIVE_WAIT_SEC = 1;

export class DeliveryWorker {
  private running = false;
  private loops: Array<Promise<void>> = [];
  private readonly log: Logger;
  /** Messages being handled now, and who waits for that number to drop. */
  private inFlight = new Set<Promise<void>>();
  private inFlightMessages = 0;
  private waitingForRoom: Array<() => void> = [];
  /** Messages handled so far (for tests and status). */
  handled = 0;

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly opts: { concurrency?: number; waitSec?: number; maxInFlight?: number } = {},
  ) {
    this.log = deps.logger.child({ [LogField.component]: 'webhook-worker' });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const { standard, fifo } = this.deps.queue.urls;
    const n = this.opts.concurrency ?? 4;
    for (let i = 0; i < n; i++) this.loops.push(this.loop(standard), this.loop(fifo));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeAll();
    await Promise.allSettled(this.loops);
    await Promise.allSettled([...this.inFlight]);
    this.loops = [];
  }

  /**
   * Receive, hand the batch off, receive again: a slow endpoint or a slow
   * delivery-log write does not hold up the next receive (SQS keeps a FIFO
   * group's later messages back while earlier ones are in flight, so order
   * holds). At most `maxInFlight` messages are handled at once.
   */
  private async loop(url: string): Promise<void> {
    const max = this.opts.maxInFlight ?? 1000;
    while (this.running) {
      if (this.inFlightMessages >= max) {
        await new Promise<void>((r) => this.waitingForRoom.push(r));
        continue;
      }
      let messages: ReceivedMessage[];
      try {
        messages = await this.deps.queue.receive(url, 10, this.opts.waitSec ?? RECEIVE_WAIT_SEC);
      } catch (err) {
        if (!this.running) return;
        this.log.warn('delivery queue unreachable; retrying', { [LogField.error]: err });
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (messages.length === 0) continue;
      this.inFlightMessages += messages.length;
      const work: Promise<void> = handleBatch(this.deps, messages, this.log)
        .then(
          () => undefined,
          (err) => this.log.error('delivery batch failed', { [LogField.error]: err }),
        )
        .finally(() => {
          this.inFlight.delete(work);
          this.inFlightMessages -= messages.length;
          this.handled += messages.length;
          this.wakeAll();
        });
      this.inFlight.add(work);
    }
  }

  private wakeAll(): void {
    const waiting = this.waitingForRoom;
    this.waitingForRoom = [];
    for (const wake of waiting) wake();
  }
}
