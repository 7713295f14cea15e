/**
 * What the console reads from the /v1 API, as the README documents it (only
 * the fields the pages use). test/console/contract.test.ts holds the lists
 * below to the cloud's own tables. When issue 12 publishes the OpenAPI
 * document, these become the types generated from it.
 */

import type { CcCdrEvent, CdrEvent } from '../../../protocol/src/events/box-events.js';

export interface RelayStatus {
  connected: boolean;
  since: string | null;
  version: string | null;
  amiConnected: boolean;
  /** Newer clouds: when the relay was last heard from, since when it is offline, and why it went. */
  lastSeen?: string | null;
  offlineSince?: string | null;
  lastReason?: string | null;
  /** Newer clouds: the site's recent outages, newest first. */
  outages?: Outage[];
  /** The relay's pop_url (screen-pop URL template) and after-call work length, as its last hello said. */
  popUrl?: string | null;
  wrapupSeconds?: number | null;
}

export interface Outage {
  from: string;
  to?: string | null;
  reason?: string | null;
}

export interface Site {
  id: string;
  name: string;
  createdAt: string;
  timezone: string;
  webkey: boolean;
  /** The site's own screen-pop URL template; null: the relay's. */
  popUrl?: string | null;
  relay: RelayStatus;
}

export type CdrType = 'cdr' | 'cc_cdr';

export interface CdrRow<T extends CdrType = CdrType> {
  id: string;
  siteId: string;
  seq: number;
  occurredAt: string;
  data: T extends 'cdr' ? CdrEvent : CcCdrEvent;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** `missCause` values the statistics count (the API's `abandonedBy` keys). */
export const MISS_CAUSES = ['MEMBER_CANCEL', 'NO_AGENT_LOGIN', 'NO_ASSIGN', 'NO_AGENT_ANSWER', 'OTHER'] as const;
export type MissCause = (typeof MISS_CAUSES)[number];

/** The service-level thresholds /stats accepts (`slSeconds`), and its default. */
export const SL_SECONDS = [5, 10, 15, 20, 25, 30, 45, 60, 90, 120] as const;
export const DEFAULT_SL_SECONDS = 20;

export const GROUP_BYS = ['hour', 'day', 'queue', 'agent'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface Metrics {
  offered: number;
  answered: number;
  abandoned: number;
  abandonedBy: Record<MissCause, number>;
  answerRate: number | null;
  averageSpeedOfAnswer: number | null;
  averageTalk: number | null;
  averageHold: number | null;
  serviceLevel: number | null;
  maxWait: number | null;
}

export interface Stats {
  siteId: string | null;
  from: string;
  to: string;
  groupBy: GroupBy;
  timezone: string;
  serviceLevelSeconds: number;
  groups: Array<Metrics & { key: string }>;
  total: Metrics;
}

/** cdr `disposition` and cc_cdr `cdrState` values, for the search form. */
export const DISPOSITIONS: Record<CdrType, readonly string[]> = {
  cdr: ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED'],
  cc_cdr: ['bridged', 'queue', 'ivr', 'feedback'],
};

export interface Webhook {
  id: string;
  url: string;
  events: string[] | null;
  siteIds: string[] | null;
  ordered: boolean;
  status: 'active' | 'disabled';
  disabledReason?: string;
  failingSince?: string;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookInput {
  url: string;
  events: string[] | null;
  siteIds: string[] | null;
  ordered: boolean;
}

/** pending: queued, not tried yet (the local cloud records a delivery before queueing it; a resend before it goes). */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'retrying', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery {
  eventId: string;
  type: string;
  siteId: string;
  status: DeliveryStatus;
  attempts: number;
  responseCode: number | null;
  latencyMs: number | null;
  error: string | null;
  enqueuedAt: string;
  /** null until the first attempt. */
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
}

/** A replay job (`POST …/webhooks/{id}/replay`, `GET …/replays/{jobId}`). */
export interface ReplayJob {
  jobId: string;
  webhookId: string;
  status: 'running' | 'done' | 'stopped';
  stoppedReason?: string;
  steps: number;
  stepsDone: number;
  eventsFound: number;
  eventsQueued: number;
}

export interface TestSendResult {
  id: string;
  delivered: boolean;
  responseCode: number | null;
  latencyMs: number;
  error: string | null;
}
