/**
 * One delivery attempt of one event to one endpoint, and what to do with the
 * queue message afterwards. Shared by the local worker and the SQS Lambda.
 *
 * POST the envelope, signed, with a 15 s timeout; redirects are not followed;
 * the address connected to is checked against private ranges at connect time.
 * 2xx = delivered; 410 = the endpoint is disabled; anything else (or no
 * answer) is retried on the schedule, then dead-lettered.
 */

import http from 'node:http';
import https from 'node:https';
import type { Clock } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import { RESPONSE_BODY_BYTES, type Attempt, type DeliveryLog } from './deliveries.js';
import type { WebhookNotices } from './notices.js';
import { refOf, type DeliveryMessage, type DeliveryQueue, type ReceivedMessage } from './queue.js';
import type { ReplayStepDeps } from './replays.js';
import { judgeAttempt, type AttemptVerdict } from './schedule.js';
import { signedHeaders } from './signing.js';
import { guardedLookup, type Resolver } from './ssrf.js';
import type { WebhookStore } from './subscriptions.js';
import { LogField } from '../../../protocol/src/log-fields.js';

/** What a delivery needs; a replay job's step (replays.ts) comes through the same queues and needs the rest. */
export interface DeliveryDeps extends ReplayStepDeps {
  webhooks: WebhookStore;
  deliveries: DeliveryLog;
  queue: DeliveryQueue;
  /** webhook.disabled and webhook.exhausted. */
  notices: WebhookNotices;
  clock: Clock;
  logger: Logger;
  allowPrivate: boolean;
  resolver?: Resolver;
  timeoutMs?: number;
  /** Retry delays in seconds (tests shorten them). */
  schedule?: readonly number[];
  /** Told how each handled message ended (the local cloud's metrics). */
  onOutcome?(outcome: DeliveryOutcome): void;
}

/**
 * How a handled message ended: delivered; retrying (put back for a later
 * attempt); failed (dead-lettered after the last attempt); disabled (the
 * endpoint was disabled by this attempt: 410, or failing for 5 days);
 * skipped (the endpoint is disabled); gone (the endpoint was deleted).
 */
export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'disabled' | 'skipped' | 'gone';
export const DELIVERY_OUTCOMES: readonly DeliveryOutcome[] = ['delivered', 'retrying', 'failed', 'disabled', 'skipped', 'gone'];

const OUTCOME_OF: Record<HandledVerdict['kind'], DeliveryOutcome> = { delivered: 'delivered', retry: 'retrying', dead: 'failed', disable: 'disabled', skipped: 'skipped', gone: 'gone' };

type HandledVerdict = AttemptVerdict | { kind: 'gone' } | { kind: 'skipped' };

export interface PostResult {
  status?: number;
  retryAfter?: string | null;
  latencyMs: number;
  error?: string;
  /** The first RESPONSE_BODY_BYTES of the answer (absent: no answer). */
  body?: string;
}

/** What went wrong with an attempt, as the delivery log and the test send say it (null: delivered). */
export function attemptError(r: PostResult, delivered: boolean): string | null {
  return r.error ?? (delivered ? null : `HTTP ${r.status}`);
}

/** POST a body with the given headers; never throws. */
export function postJson(url: string, body: string, headers: Record<string, string>, opts: { allowPrivate: boolean; resolver?: Resolver; timeoutMs: number }): Promise<PostResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      resolve({ latencyMs: 0, error: 'invalid URL' });
      return;
    }
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request(
      u,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'coocenter-webhooks/1', ...headers },
        lookup: guardedLookup({ allowPrivate: opts.allowPrivate, resolver: opts.resolver }) as never,
        timeout: opts.timeoutMs,
      },
      (res) => {
        let read = 0;
        const kept: Buffer[] = [];
        // Drain the answer (bounded): its status decides, its first KB goes to the attempt log.
        res.on('data', (c: Buffer) => {
          if (read < RESPONSE_BODY_BYTES) kept.push(c.subarray(0, RESPONSE_BODY_BYTES - read));
          read += c.length;
          if (read > 64 * 1024) res.destroy();
        });
        const done = () =>
          resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'] as string | undefined, latencyMs: elapsed(), body: Buffer.concat(kept).toString('utf8') });
        res.on('end', done);
        res.on('close', done);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on('error', (err) => resolve({ latencyMs: elapsed(), error: err.message }));
    req.end(body);
  });
}

/** Attempt the delivery a queue message stands for, record it, and settle the message. */
export async function handleDelivery(deps: DeliveryDeps, m: ReceivedMessage): Promise<HandledVerdict> {
  const verdict = await attempt(deps, m);
  deps.onOutcome?.(OUTCOME_OF[verdict.kind]);
  return verdict;
}

async function attempt(deps: DeliveryDeps, m: ReceivedMessage): Promise<HandledVerdict> {
  const msg: DeliveryMessage = m.body;
  const log = deps.logger.child({ [LogField.component]: 'webhooks', [LogField.webhookId]: msg.webhookId, [LogField.eventId]: msg.envelope.id });
  const ref = refOf(msg);
  // A message queued again after a loss, or a resend, goes on counting from the attempts made before.
  const attempts = (msg.attemptsBefore ?? 0) + m.receiveCount;
  const base = { type: msg.envelope.type, siteId: msg.envelope.siteId };
  const found = await deps.webhooks.forDelivery(msg.tenantId, msg.webhookId);
  if (!found) {
    await deps.queue.done(m); // the endpoint was deleted
    return { kind: 'gone' };
  }
  const { webhook, secrets } = found;
  const nowIso = () => new Date(deps.clock.now()).toISOString();
  if (webhook.status === 'disabled') {
    await deps.deliveries.record(ref, { ...base, status: 'skipped', attempts: attempts - 1, responseCode: null, latencyMs: null, error: `endpoint disabled: ${webhook.disabledReason ?? ''}`, lastAttemptAt: nowIso(), nextAttemptAt: null });
    await deps.queue.done(m);
    return { kind: 'skipped' };
  }

  const body = JSON.stringify(msg.envelope);
  const timestamp = Math.floor(deps.clock.now() / 1000);
  const result = await postJson(webhook.url, body, signedHeaders(secrets, msg.envelope.id, timestamp, body), {
    allowPrivate: deps.allowPrivate,
    resolver: deps.resolver,
    timeoutMs: deps.timeoutMs ?? 15_000,
  });
  const verdict = judgeAttempt({
    // Where in its retry schedule: a resend began a fresh one.
    attempt: attempts - (msg.scheduleFrom ?? 0),
    status: result.status,
    retryAfter: result.retryAfter,
    failingSinceMs: webhook.failingSince ? Date.parse(webhook.failingSince) : undefined,
    nowMs: deps.clock.now(),
    schedule: deps.schedule,
  });
  const error = attemptError(result, verdict.kind === 'delivered');
  const attempt: Attempt = { attempt: attempts, at: nowIso(), responseCode: result.status ?? null, latencyMs: result.latencyMs, error, responseBody: result.body ?? null };
  const record = { ...base, attempts, responseCode: attempt.responseCode, latencyMs: result.latencyMs, error, lastAttemptAt: attempt.at };
  switch (verdict.kind) {
    case 'delivered':
      await deps.deliveries.record(ref, { ...record, status: 'delivered', error: null, nextAttemptAt: null }, attempt);
      if (webhook.failingSince) await deps.webhooks.recordSuccess(msg.tenantId, msg.webhookId);
      await deps.queue.done(m);
      break;
    case 'retry':
      if (!webhook.failingSince) await deps.webhooks.recordFailure(msg.tenantId, msg.webhookId, deps.clock.now());
      await deps.deliveries.record(ref, { ...record, status: 'retrying', nextAttemptAt: new Date(deps.clock.now() + verdict.delaySec * 1000).toISOString() }, attempt);
      await deps.queue.later(m, verdict.delaySec);
      log.info('webhook delivery failed; will retry', { attempt: attempts, status: result.status, [LogField.error]: result.error, inSec: verdict.delaySec });
      break;
    case 'dead':
      await deps.deliveries.record(ref, { ...record, status: 'failed', error: `${record.error}; ${verdict.reason}: dead-lettered`, nextAttemptAt: null }, attempt);
      // Announced before the message goes: a crash in between announces it again, with the same id.
      await deps.notices.exhausted(webhook, msg, { attempts, responseCode: attempt.responseCode, lastError: error ?? '', at: attempt.at });
      await deps.queue.deadLetter(m, verdict.reason);
      log.warn('webhook delivery dead-lettered', { attempts });
      break;
    case 'disable':
      await deps.webhooks.disable(msg.tenantId, msg.webhookId, verdict.reason, deps.notices.disabling(webhook, verdict.cause));
      await deps.deliveries.record(ref, { ...record, status: 'failed', error: `${record.error}; endpoint disabled: ${verdict.reason}`, nextAttemptAt: null }, attempt);
      await deps.queue.deadLetter(m, verdict.reason);
      log.warn('webhook endpoint disabled', { reason: verdict.reason });
      break;
  }
  return verdict;
}
