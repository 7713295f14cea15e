/**
 * What the console reads from and sends to the /v1 API: the types of the API
 * document (client/openapi.d.ts, which `npm run build` generates from the
 * cloud's route declarations before it type-checks the console), so a page
 * cannot drift from what the cloud answers. Types only: nothing of the
 * generated file reaches the bundle.
 *
 * The lists the pages offer (a select's options, a table's rows) are values
 * and so are spelled out here; each is typed against the document's own
 * union (`allOf`), and test/console/contract.test.ts holds them equal to the
 * cloud's tables.
 */

import type { operations } from '../../../client/openapi.js';

type Json<Op extends keyof operations, Status extends number = 200> = operations[Op]['responses'] extends Record<Status, { content: { 'application/json': infer B } }> ? B : never;
type Body<Op extends keyof operations> = operations[Op] extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;

/**
 * The list `xs` names every member of the union `U` and nothing else: a
 * member the API adds, or one it drops, fails the console's type check.
 */
function allOf<U extends string | number>() {
  return <const L extends readonly U[]>(xs: L & ([U] extends [L[number]] ? unknown : { missing: Exclude<U, L[number]> })): L => xs;
}

// ── sites ────────────────────────────────────────────────────────────────
export type Site = Json<'listSites'>['data'][number];
export type RelayStatus = Site['relay'];
/** A site's outages over a range (GET …/sites/{siteId}/outages), newest first. */
export type SiteOutages = Json<'getSiteOutages'>;
export type Outage = SiteOutages['outages'][number];

// ── agent links ──────────────────────────────────────────────────────────
export type AgentLink = Json<'listAgentLinks'>['data'][number];
/** A new link: its credential and console link, shown once. */
export type NewAgentLink = Json<'createAgentLink', 201>;
export type AgentLinkInput = Body<'createAgentLink'>;
export type WhoAmI = Json<'whoAmI'>;

// ── CDRs ─────────────────────────────────────────────────────────────────
type ApiCdrRow = Json<'searchCdrs'>['data'][number];
export type CdrType = ApiCdrRow['type'];

/** A record of the search, its `data` narrowed by its type (a cdr's or a cc_cdr's fields). */
export type CdrRow<T extends CdrType = CdrType> = Omit<ApiCdrRow, 'type' | 'data'> & { type: T; data: Extract<ApiCdrRow['data'], { event: T }> };

/** The event history of a call (GET …/calls/{callId}/events), and one of its events. */
export type CallHistory = Json<'listCallEvents'>;
export type CallEvent = CallHistory['data'][number];

/** A page of a list: its rows and the cursor of the next page. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** cdr `disposition` and cc_cdr `cdrState` values, for the search form (the API takes any text there). */
export const DISPOSITIONS: Record<CdrType, readonly string[]> = {
  cdr: ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED'],
  cc_cdr: ['bridged', 'queue', 'ivr', 'feedback'],
};

// ── statistics ───────────────────────────────────────────────────────────
export type Stats = Json<'getStats'>;
export type Metrics = Stats['total'];
export type GroupBy = Stats['groupBy'];
type SlSeconds = NonNullable<NonNullable<operations['getStats']['parameters']['query']>['slSeconds']>;

/** `missCause` values the statistics count (the API's `abandonedBy` keys). */
export type MissCause = keyof Metrics['abandonedBy'];
export const MISS_CAUSES = allOf<MissCause>()(['MEMBER_CANCEL', 'NO_AGENT_LOGIN', 'NO_ASSIGN', 'NO_AGENT_ANSWER', 'OTHER']);

/** The service-level thresholds /stats accepts (`slSeconds`), and its default. */
export const SL_SECONDS = allOf<SlSeconds>()([5, 10, 15, 20, 25, 30, 45, 60, 90, 120]);
export const DEFAULT_SL_SECONDS: SlSeconds = 20;

export const GROUP_BYS = allOf<GroupBy>()(['hour', 'day', 'queue', 'agent']);

// ── webhooks ─────────────────────────────────────────────────────────────
export type Webhook = Json<'getWebhook'>;
export type WebhookEventType = NonNullable<Webhook['events']>[number];
/** What an endpoint can ask for: the seven box events, then the cloud's own (outages, the endpoint's own state). */
export const WEBHOOK_EVENT_TYPES = allOf<WebhookEventType>()([
  'dialbegin',
  'dialend',
  'hangup',
  'extensionstatus',
  'ivr',
  'cdr',
  'cc_cdr',
  'relay.offline',
  'relay.online',
  'ami.down',
  'ami.up',
  'webhook.disabled',
  'webhook.exhausted',
]);
/** What the endpoint form edits (the create body, every field given). */
export type WebhookInput = Required<Body<'createWebhook'>>;
export type WebhookChange = Body<'updateWebhook'>;
export type CreatedWebhook = Json<'createWebhook', 201>;
export type RotatedSecret = Json<'rotateWebhookSecret'>;
export type TestSendResult = Json<'testWebhook'>;

export type Delivery = Json<'listDeliveries'>['data'][number];
/** One delivery with its attempts (`GET …/deliveries/{eventId}`). */
export type DeliveryDetail = Json<'getDelivery'>;
export type Attempt = DeliveryDetail['attemptLog'][number];
export type Resent = Json<'resendDelivery', 202>;

/** pending: queued, not tried yet (a first delivery, or a resend before it goes). */
export type DeliveryStatus = Delivery['status'];
export const DELIVERY_STATUSES = allOf<DeliveryStatus>()(['pending', 'delivered', 'retrying', 'failed', 'skipped']);

/** A replay job (`POST …/webhooks/{id}/replay`, `GET …/replays/{jobId}`). */
export type ReplayJob = Json<'getReplay'>;
export type ReplayRange = Body<'replayWebhook'>;
