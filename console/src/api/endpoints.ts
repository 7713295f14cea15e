/**
 * The cloud's endpoints the console uses, one function each, so that no page
 * writes a URL (README "Admin API", "Webhooks", "CDR search and call-center
 * statistics", "The box API per site"). Their types are the API document's
 * (types.ts).
 */

import type { Query } from '../url.js';
import type { LiveView } from '../live/site-state.js';
import type { StreamFilter } from '../live/stream.js';
import type { Api } from './client.js';
import type { CallHistory, CdrRow, CreatedWebhook, Delivery, DeliveryDetail, DeliveryStatus, Page, ReplayJob, ReplayRange, Resent, RotatedSecret, Site, Stats, TestSendResult, Webhook, WebhookChange, WebhookInput } from './types.js';

const seg = encodeURIComponent;

export class Tenant {
  constructor(
    readonly api: Api,
    readonly tenantId: string,
  ) {}

  private path(...parts: string[]): string {
    return ['/v1/tenants', seg(this.tenantId), ...parts.map(seg)].join('/');
  }

  // ── sites ──────────────────────────────────────────────────────────────
  sites(): Promise<Site[]> {
    return this.api.get<{ data: Site[] }>(this.path('sites')).then((r) => r.data);
  }

  // ── CDRs and statistics ────────────────────────────────────────────────
  cdrs(query: Query): Promise<Page<CdrRow>> {
    return this.api.get(this.path('cdrs'), query);
  }

  /** The whole range as the cloud's CSV export (held in memory by the browser until saved). */
  cdrsCsv(query: Query): Promise<{ blob: Blob; filename: string | undefined }> {
    return this.api.blob(this.path('cdrs'), { ...query, format: 'csv', limit: undefined, cursor: undefined });
  }

  /** Every stored event of one call of a site (its Asterisk Linkedid), in seq order. */
  callEvents(siteId: string, call: string): Promise<CallHistory> {
    return this.api.get(this.path('sites', siteId, 'calls', call, 'events'));
  }

  stats(query: Query): Promise<Stats> {
    return this.api.get(this.path('stats'), query);
  }

  // ── live (issue 13: README "Live state per site", "The event stream") ──
  /** The site's live state now, with how current it is. */
  live(siteId: string): Promise<LiveView> {
    return this.api.get(this.path('sites', siteId, 'live'));
  }

  /** A one-connection ticket for the stream (60 s), carrying the filter: its `url`, where to open the stream (another origin on AWS). */
  streamTicket(filter: StreamFilter): Promise<string> {
    return this.api.send<{ url: string }>('POST', this.path('stream-tickets'), filter).then((r) => r.url);
  }

  /**
   * A call recording through the box API of its site (`GET …/monitor/{path}`).
   * An <audio> element cannot send the Authorization header, so the bytes are
   * fetched and played from a blob. Seam: once recordings take Range and
   * short-lived URLs (issue 12), the player gets a URL instead and can seek
   * without loading the whole file.
   */
  recording(siteId: string, file: string): Promise<{ blob: Blob; filename: string | undefined }> {
    const path = file.split('/').filter(Boolean).map(seg).join('/');
    return this.api.blob(`/sites/${seg(siteId)}/coocenter-api/monitor/${path}`);
  }

  // ── webhooks ───────────────────────────────────────────────────────────
  webhooks(): Promise<Webhook[]> {
    return this.api.get<{ data: Webhook[] }>(this.path('webhooks')).then((r) => r.data);
  }

  webhook(id: string): Promise<Webhook> {
    return this.api.get(this.path('webhooks', id));
  }

  createWebhook(input: WebhookInput): Promise<CreatedWebhook> {
    return this.api.send('POST', this.path('webhooks'), input);
  }

  updateWebhook(id: string, change: WebhookChange): Promise<Webhook> {
    return this.api.send('PATCH', this.path('webhooks', id), change);
  }

  deleteWebhook(id: string): Promise<void> {
    return this.api.send('DELETE', this.path('webhooks', id));
  }

  rotateSecret(id: string): Promise<RotatedSecret> {
    return this.api.send('POST', this.path('webhooks', id, 'rotate-secret'));
  }

  testWebhook(id: string): Promise<TestSendResult> {
    return this.api.send('POST', this.path('webhooks', id, 'test'));
  }

  /** A page of the endpoint's deliveries, newest first; with `status`, only those in that state (the cloud filters). */
  deliveries(id: string, query: { limit?: number; cursor?: string; status?: DeliveryStatus }): Promise<Page<Delivery>> {
    return this.api.get(this.path('webhooks', id, 'deliveries'), query);
  }

  /** One delivery with its attempts (time, answer's code, latency, error, the answer's first KB). */
  delivery(id: string, eventId: string): Promise<DeliveryDetail> {
    return this.api.get(this.path('webhooks', id, 'deliveries', eventId));
  }

  /** Send one event again now, with its id; the delivery shows pending until the attempt. */
  resend(id: string, eventId: string): Promise<Resent> {
    return this.api.send('POST', this.path('webhooks', id, 'deliveries', eventId, 'resend'));
  }

  /** Start a replay job; it runs in the background (follow it with replayJob). */
  startReplay(id: string, range: ReplayRange): Promise<ReplayJob> {
    return this.api.send('POST', this.path('webhooks', id, 'replay'), range);
  }

  replayJob(id: string, jobId: string): Promise<ReplayJob> {
    return this.api.get(this.path('webhooks', id, 'replays', jobId));
  }
}
