/**
 * Tenants' webhook endpoints, in the main table:
 *
 *   PK T#<tenantId>  SK WH#<webhookId>
 *      url, events (null = the box events), siteIds (null = all), ordered, status,
 *      disabledReason, failingSince, secret (sealed), previousSecret (sealed,
 *      valid 24 h after a rotation)
 *
 * The signing secret must be usable by the delivery worker, so it is sealed
 * (AES-256-GCM under the server key), never stored in clear.
 */

import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TransactItem } from '../operational/store.js';
import type { Clock } from '../../../protocol/src/clock.js';
import type { TenantEventType } from '../operational/types.js';
import { newId } from '../store/ids.js';
import type { SecretBox } from '../store/secrets.js';
import { TtlCache } from '../store/ttl-cache.js';
import { newWebhookSecret } from './signing.js';

export const ROTATION_GRACE_MS = 24 * 3600 * 1000;

/** Writes committed with a disabling, and what to do once they are (webhooks/notices.ts). */
export interface Announce {
  writes(disabledAt: string, message: string): TransactItem[];
  announced(): void;
}

export interface Webhook {
  id: string;
  tenantId: string;
  url: string;
  /** Event types delivered; null = the box events (operational ones only when named). */
  events: TenantEventType[] | null;
  /** Sites whose events are delivered; null = every site of the tenant. */
  siteIds: string[] | null;
  /** One call's events in order (FIFO per site and call), calls in parallel. */
  ordered: boolean;
  status: 'active' | 'disabled';
  disabledReason?: string;
  disabledAt?: string;
  /** Set at the first failure after a success; the endpoint is disabled after 5 days of it. */
  failingSince?: string;
  createdAt: string;
  updatedAt: string;
}

interface WebhookItem extends Webhook {
  secret: string;
  previousSecret?: string;
  previousSecretUntil?: number;
}

export interface WebhookInput {
  url: string;
  events: TenantEventType[] | null;
  siteIds: string[] | null;
  ordered: boolean;
}

const FIELDS: Array<keyof Webhook> = ['id', 'tenantId', 'url', 'events', 'siteIds', 'ordered', 'status', 'disabledReason', 'disabledAt', 'failingSince', 'createdAt', 'updatedAt'];

function publicView(item: WebhookItem): Webhook {
  const w = {} as Record<string, unknown>;
  for (const f of FIELDS) if (item[f] !== undefined) w[f] = item[f];
  return w as unknown as Webhook;
}

export class WebhookStore {
  /** Per-tenant lists for the fan-out, a few seconds stale at most. */
  private readonly byTenant: TtlCache<string, WebhookItem[]>;
  /** Endpoints as the delivery worker needs them, a few seconds stale at most. */
  private readonly forWorker: TtlCache<string, { webhook: Webhook; secrets: string[] } | undefined>;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    cacheMs = 5_000,
  ) {
    this.byTenant = new TtlCache(clock, cacheMs);
    this.forWorker = new TtlCache(clock, cacheMs);
  }

  private forget(tenantId: string, id?: string): void {
    this.byTenant.delete(tenantId);
    if (id) this.forWorker.delete(`${tenantId}/${id}`);
  }

  /** The endpoint and its signing secrets, for a delivery (cached a few seconds). */
  async forDelivery(tenantId: string, id: string): Promise<{ webhook: Webhook; secrets: string[] } | undefined> {
    return this.forWorker.getOrLoad(`${tenantId}/${id}`, async () => {
      const item = await this.item(tenantId, id);
      if (!item) return undefined;
      const secrets = [this.box.open(item.secret)];
      if (item.previousSecret && (item.previousSecretUntil ?? 0) > this.clock.now()) secrets.push(this.box.open(item.previousSecret));
      return { webhook: publicView(item), secrets };
    });
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  async create(tenantId: string, input: WebhookInput): Promise<{ webhook: Webhook; secret: string }> {
    const secret = newWebhookSecret();
    const at = this.now();
    const item: WebhookItem = { id: newId('webhook'), tenantId, ...input, status: 'active', createdAt: at, updatedAt: at, secret: this.box.seal(secret) };
    await this.db.send(new PutCommand({ TableName: this.table, Item: { PK: `T#${tenantId}`, SK: `WH#${item.id}`, type: 'webhook', ...item } }));
    this.forget(tenantId);
    return { webhook: publicView(item), secret };
  }

  private async items(tenantId: string): Promise<WebhookItem[]> {
    const out: WebhookItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :wh)',
          ExpressionAttributeValues: { ':pk': `T#${tenantId}`, ':wh': 'WH#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      out.push(...((r.Items ?? []) as WebhookItem[]));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async list(tenantId: string): Promise<Webhook[]> {
    return (await this.items(tenantId)).map(publicView);
  }

  /** The tenant's endpoints for the fan-out (cached a few seconds). */
  async forFanout(tenantId: string): Promise<Webhook[]> {
    return (await this.byTenant.getOrLoad(tenantId, () => this.items(tenantId))).map(publicView);
  }

  private async item(tenantId: string, id: string): Promise<WebhookItem | undefined> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: { PK: `T#${tenantId}`, SK: `WH#${id}` }, ConsistentRead: true }));
    return r.Item as WebhookItem | undefined;
  }

  async get(tenantId: string, id: string): Promise<Webhook | undefined> {
    const item = await this.item(tenantId, id);
    return item ? publicView(item) : undefined;
  }

  /** Change fields; re-enabling clears the failure state; `announce`: written with a disabling (webhooks/notices.ts). */
  async update(tenantId: string, id: string, patch: Partial<WebhookInput> & { enabled?: boolean }, announce?: Announce): Promise<Webhook | undefined> {
    const item = await this.item(tenantId, id);
    if (!item) return undefined;
    const next: WebhookItem = { ...item, ...stripUndefined(patch), updatedAt: this.now() };
    delete (next as { enabled?: boolean }).enabled;
    if (patch.enabled === true) {
      next.status = 'active';
      delete next.disabledReason;
      delete next.disabledAt;
      delete next.failingSince;
    } else if (patch.enabled === false && item.status === 'active') {
      next.status = 'disabled';
      next.disabledReason = 'disabled by the tenant';
      next.disabledAt = this.now();
    }
    const put = { TableName: this.table, Item: { PK: `T#${tenantId}`, SK: `WH#${id}`, type: 'webhook', ...next } };
    const announcing = announce && item.status === 'active' && next.status === 'disabled';
    if (announcing) await this.db.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, ...announce.writes(next.disabledAt!, next.disabledReason!)] }));
    else await this.db.send(new PutCommand(put));
    this.forget(tenantId, id);
    if (announcing) announce.announced();
    return publicView(next);
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const r = await this.db.send(new DeleteCommand({ TableName: this.table, Key: { PK: `T#${tenantId}`, SK: `WH#${id}` }, ReturnValues: 'ALL_OLD' }));
    this.forget(tenantId, id);
    return r.Attributes !== undefined;
  }

  /** A new secret; the old one keeps signing (as a second signature) for 24 hours. */
  async rotateSecret(tenantId: string, id: string): Promise<string | undefined> {
    const item = await this.item(tenantId, id);
    if (!item) return undefined;
    const secret = newWebhookSecret();
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { PK: `T#${tenantId}`, SK: `WH#${id}` },
        UpdateExpression: 'SET secret = :s, previousSecret = :p, previousSecretUntil = :u, updatedAt = :at',
        ExpressionAttributeValues: { ':s': this.box.seal(secret), ':p': item.secret, ':u': this.clock.now() + ROTATION_GRACE_MS, ':at': this.now() },
      }),
    );
    this.forget(tenantId, id);
    return secret;
  }

  async recordSuccess(tenantId: string, id: string): Promise<void> {
    this.forget(tenantId, id);
    await this.conditional(tenantId, id, 'REMOVE failingSince', 'attribute_exists(failingSince)', {});
  }

  async recordFailure(tenantId: string, id: string, atMs: number): Promise<void> {
    this.forget(tenantId, id);
    await this.conditional(tenantId, id, 'SET failingSince = :f', 'attribute_exists(PK) AND attribute_not_exists(failingSince)', { ':f': new Date(atMs).toISOString() });
  }

  /** Disable an active endpoint, with `announce`'s writes in the same transaction; false when it was not active (or is gone). */
  async disable(tenantId: string, id: string, reason: string, announce?: Announce): Promise<boolean> {
    const at = this.now();
    const update = {
      TableName: this.table,
      Key: { PK: `T#${tenantId}`, SK: `WH#${id}` },
      UpdateExpression: 'SET #s = :d, disabledReason = :r, disabledAt = :at',
      ConditionExpression: '#s = :active',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':d': 'disabled', ':r': reason, ':at': at, ':active': 'active' },
    };
    try {
      if (announce) await this.db.send(new TransactWriteCommand({ TransactItems: [{ Update: update }, ...announce.writes(at, reason)] }));
      else await this.db.send(new UpdateCommand(update));
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw err;
    } finally {
      this.forget(tenantId, id);
    }
    announce?.announced();
    return true;
  }

  private async conditional(tenantId: string, id: string, update: string, condition: string, values: Record<string, unknown>, names?: Record<string, string>): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { PK: `T#${tenantId}`, SK: `WH#${id}` },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeValues: Object.keys(values).length > 0 ? values : undefined,
          ExpressionAttributeNames: names,
        }),
      );
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    }
  }
}

/** A condition of the write (or of a transaction's first item) did not hold. */
function conditionFailed(err: unknown): boolean {
  const e = err as { name?: string; CancellationReasons?: Array<{ Code?: string }> };
  return e.name === 'ConditionalCheckFailedException' || (e.name === 'TransactionCanceledException' && e.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed');
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
