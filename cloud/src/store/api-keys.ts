/**
 * A tenant's named API keys, each with its scopes, in the main table:
 *
 *   PK T#<tenantId>  SK K#<keyId>   name, scopes, keyHash, createdAt, lastUsedAt
 *
 * A key is `ck.<tenantId>.<keyId>.<secret>`: it names its item, so checking
 * it is one GetItem and a constant-time comparison of the secret's hash.
 * Tenants created before keys had names hold one key of the older form
 * `ck.<tenantId>.<secret>`, whose hash is on the tenant's item: it is an
 * `admin` key, listed (and revocable) as LEGACY_KEY_ID.
 *
 * Revocation takes effect at once on every runtime: a key that matches is
 * never cached (each request reads its item, strongly consistent; a Lambda
 * instance cannot hear of a revocation made by another). Only misses are
 * remembered, briefly, so a flood of bad keys costs no reads.
 *
 * `lastUsedAt` is written at most once a minute per key (a conditional
 * update), so reading the API does not become a write per request.
 *
 * An agent link is a key of the same form and table, bound to one site and
 * one extension (`type` agent-link, `siteId`, `extension`, `expiresAt`?): its
 * only scope is `agent`, and what that allows is declared in
 * api/agent-scope.ts. It is listed per site, not among the tenant's keys.
 */

import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../../protocol/src/clock.js';
import { isId, newId } from './ids.js';
import { hashSecret, parseCredential, randomSecret, verifySecret } from './secrets.js';
import { TtlCache } from './ttl-cache.js';

/** What a key may be given; `admin` grants everything (api/contract/route.ts says which route needs which). */
export const SCOPES = ['admin', 'calls', 'read', 'webhooks'] as const;
export type KeyScope = (typeof SCOPES)[number];
/** `agent`: an agent link's only scope, never given to a key (api/agent-scope.ts says what it allows). */
export type Scope = KeyScope | 'agent';

/** The id the older single key of a tenant is listed under. */
export const LEGACY_KEY_ID = 'key_legacy0000000000';

/** How stale `lastUsedAt` may be: at most one write a minute per key. */
export const LAST_USED_EVERY_MS = 60_000;
/** Most keys a tenant may hold (a bound on the list and on what a leaked admin key can mint). */
export const MAX_KEYS = 50;
/** Most agent links a tenant may hold (a few hundred agents; listing a site's reads them all). */
export const MAX_AGENT_LINKS = 500;

export interface ApiKey<S extends Scope = KeyScope> {
  id: string;
  name: string;
  scopes: S[];
  createdAt: string;
  lastUsedAt: string | null;
}

/** The site and extension an agent link acts for. */
export interface AgentBinding {
  siteId: string;
  extension: string;
}

export interface AgentLink extends AgentBinding {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** When it stops working; null: when it is revoked. */
  expiresAt: string | null;
}

/** Who a request's key speaks for. */
export interface Principal {
  tenantId: string;
  keyId: string;
  scopes: readonly Scope[];
  /** Set for an agent link: the one site and extension it acts for. */
  agent?: AgentBinding;
}

const AGENT_LINK = 'agent-link';

/** Whether these scopes grant a route that any of `needed` grants. */
export function grants(scopes: readonly Scope[], needed: readonly Scope[]): boolean {
  return scopes.includes('admin') || needed.some((s) => scopes.includes(s));
}

export class ApiKeyStore {
  private readonly misses: TtlCache<string, true>;
  private readonly decoyHash = hashSecret(randomSecret());

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {
    this.misses = new TtlCache(clock, 2_000);
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** A new key: its item to write (alone, or in the tenant's creation) and the key, shown once. */
  mint<S extends Scope>(tenantId: string, name: string, scopes: readonly S[]): { item: Record<string, unknown>; key: ApiKey<S>; token: string } {
    const id = newId('key');
    const secret = randomSecret();
    const key: ApiKey<S> = { id, name, scopes: [...new Set(scopes)], createdAt: this.now(), lastUsedAt: null };
    const item = { PK: `T#${tenantId}`, SK: `K#${id}`, type: 'api-key', id, name, scopes: key.scopes, createdAt: key.createdAt, keyHash: hashSecret(secret) };
    return { item, key, token: `ck.${tenantId}.${id}.${secret}` };
  }

  /** Creates a key; undefined when the tenant already holds MAX_KEYS. */
  async create(tenantId: string, name: string, scopes: readonly KeyScope[]): Promise<{ key: ApiKey; token: string } | undefined> {
    if ((await this.list(tenantId)).length >= MAX_KEYS) return undefined;
    const { item, key, token } = this.mint(tenantId, name, scopes);
    await this.db.send(new UpdateCommand({
      TableName: this.table,
      Key: { PK: item.PK, SK: item.SK },
      UpdateExpression: 'SET #t = :t, id = :id, #n = :n, scopes = :s, createdAt = :c, keyHash = :h',
      ConditionExpression: 'attribute_not_exists(PK)',
      ExpressionAttributeNames: { '#t': 'type', '#n': 'name' },
      ExpressionAttributeValues: { ':t': 'api-key', ':id': key.id, ':n': key.name, ':s': key.scopes, ':c': key.createdAt, ':h': item.keyHash },
    }));
    return { key, token };
  }

  /** The tenant's keys, oldest first (never their secrets). */
  async list(tenantId: string): Promise<ApiKey[]> {
    const keys: ApiKey[] = [];
    const meta = (await this.db.send(new GetCommand({ TableName: this.table, Key: { PK: `T#${tenantId}`, SK: 'META' }, ConsistentRead: true }))).Item;
    if (meta?.apiKeyHash) keys.push({ id: LEGACY_KEY_ID, name: 'initial key', scopes: ['admin'], createdAt: meta.createdAt, lastUsedAt: meta.keyLastUsedAt ?? null });
    for (const i of await this.items(tenantId)) {
      if (i.type !== AGENT_LINK) keys.push({ id: i.id, name: i.name, scopes: i.scopes, createdAt: i.createdAt, lastUsedAt: i.lastUsedAt ?? null });
    }
    return oldestFirst(keys);
  }

  /** Creates an agent link for one extension of a site; undefined when the tenant already holds MAX_AGENT_LINKS. */
  async createAgentLink(tenantId: string, binding: AgentBinding, name: string, expiresInDays?: number): Promise<{ link: AgentLink; token: string } | undefined> {
    if ((await this.items(tenantId)).filter((i) => i.type === AGENT_LINK).length >= MAX_AGENT_LINKS) return undefined;
    const { item, key, token } = this.mint(tenantId, name, ['agent']);
    // From the same instant as createdAt: a second reading of the clock could be a millisecond later.
    const expiresAt = expiresInDays === undefined ? null : new Date(Date.parse(key.createdAt) + expiresInDays * 86_400_000).toISOString();
    const link: AgentLink = { id: key.id, name, siteId: binding.siteId, extension: binding.extension, createdAt: key.createdAt, lastUsedAt: null, expiresAt };
    await this.db.send(new PutCommand({
      TableName: this.table,
      Item: { ...item, type: AGENT_LINK, siteId: link.siteId, extension: link.extension, ...(expiresAt ? { expiresAt } : {}) },
      ConditionExpression: 'attribute_not_exists(PK)',
    }));
    return { link, token };
  }

  /** A site's agent links, oldest first (never their secrets). */
  async listAgentLinks(tenantId: string, siteId: string): Promise<AgentLink[]> {
    const links = (await this.items(tenantId))
      .filter((i) => i.type === AGENT_LINK && i.siteId === siteId)
      .map((i): AgentLink => ({ id: i.id, name: i.name, siteId: i.siteId, extension: i.extension, createdAt: i.createdAt, lastUsedAt: i.lastUsedAt ?? null, expiresAt: i.expiresAt ?? null }));
    return oldestFirst(links);
  }

  /** Revokes an agent link of the site; false when the site has no such link. */
  async revokeAgentLink(tenantId: string, siteId: string, keyId: string): Promise<boolean> {
    return this.deleteIf(tenantId, keyId, '#t = :t AND siteId = :s', { ':t': AGENT_LINK, ':s': siteId });
  }

  /** Every key and agent link item of the tenant. */
  private async items(tenantId: string): Promise<Record<string, any>[]> {
    const out: Record<string, any>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.db.send(new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :k)',
        ExpressionAttributeValues: { ':pk': `T#${tenantId}`, ':k': 'K#' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }));
      out.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  private deleteIf(tenantId: string, keyId: string, condition: string, values: Record<string, unknown>): Promise<boolean> {
    return conditionally(this.db.send(new DeleteCommand({
      TableName: this.table,
      Key: { PK: `T#${tenantId}`, SK: `K#${keyId}` },
      ConditionExpression: `attribute_exists(PK) AND ${condition}`,
      ExpressionAttributeNames: { '#t': 'type' },
      ExpressionAttributeValues: values,
    })));
  }

  /** Revokes a key of the tenant (not an agent link: those are revoked per site); false when it has no such key. */
  async revoke(tenantId: string, keyId: string): Promise<boolean> {
    if (keyId !== LEGACY_KEY_ID) return this.deleteIf(tenantId, keyId, '#t <> :t', { ':t': AGENT_LINK });
    return conditionally(this.db.send(new UpdateCommand({
      TableName: this.table,
      Key: { PK: `T#${tenantId}`, SK: 'META' },
      UpdateExpression: 'REMOVE apiKeyHash, keyLastUsedAt',
      ConditionExpression: 'attribute_exists(apiKeyHash)',
    })));
  }

  /** Who a presented key speaks for, or undefined (constant-time check; a name of nothing is still compared). */
  async principalFor(token: string): Promise<Principal | undefined> {
    const cred = parseKey(token);
    if (!cred) return undefined;
    const cacheKey = hashSecret(token);
    if (this.misses.get(cacheKey)) return undefined;
    const sk = cred.keyId ? `K#${cred.keyId}` : 'META';
    const item = (await this.db.send(new GetCommand({ TableName: this.table, Key: { PK: `T#${cred.tenantId}`, SK: sk }, ConsistentRead: true }))).Item;
    const stored = (cred.keyId ? item?.keyHash : item?.apiKeyHash) as string | undefined;
    const matches = verifySecret(cred.secret, stored ?? this.decoyHash);
    if (!item || !stored || !matches) {
      this.misses.set(cacheKey, true);
      return undefined;
    }
    // An expired agent link is refused like a revoked one (not cached: the answer cannot change back).
    if (typeof item.expiresAt === 'string' && Date.parse(item.expiresAt) <= this.clock.now()) return undefined;
    const lastUsedField = cred.keyId ? 'lastUsedAt' : 'keyLastUsedAt';
    await this.touch({ PK: item.PK, SK: item.SK }, lastUsedField, item[lastUsedField] as string | undefined);
    const principal: Principal = { tenantId: cred.tenantId, keyId: cred.keyId ?? LEGACY_KEY_ID, scopes: cred.keyId ? item.scopes : ['admin'] };
    if (item.type === AGENT_LINK) principal.agent = { siteId: item.siteId, extension: item.extension };
    return principal;
  }

  /** Records the use, unless it was recorded less than a minute ago (by this or any other instance). */
  private async touch(key: Record<string, unknown>, field: string, last: string | undefined): Promise<void> {
    const nowMs = this.clock.now();
    if (last && nowMs - Date.parse(last) < LAST_USED_EVERY_MS) return;
    const stale = new Date(nowMs - LAST_USED_EVERY_MS).toISOString();
    try {
      await this.db.send(new UpdateCommand({
        TableName: this.table,
        Key: key,
        UpdateExpression: 'SET #f = :now',
        // Not after a revocation (the item must still hold its hash), and not twice in a minute.
        ConditionExpression: `attribute_exists(${field === 'lastUsedAt' ? 'keyHash' : 'apiKeyHash'}) AND (attribute_not_exists(#f) OR #f < :stale)`,
        ExpressionAttributeNames: { '#f': field },
        ExpressionAttributeValues: { ':now': new Date(nowMs).toISOString(), ':stale': stale },
      }));
    } catch {
      // Another request recorded it first, or the key was revoked meanwhile, or the write failed:
      // lastUsedAt is a hint for people, never a reason to refuse a valid key.
    }
  }
}

/** Whether a conditional write was made: false when its condition failed (nothing to change). */
async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

function oldestFirst<T extends { createdAt: string; id: string }>(xs: T[]): T[] {
  return xs.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** `ck.<tenantId>.<keyId>.<secret>`, or the older `ck.<tenantId>.<secret>`; undefined unless every part has its shape. */
export function parseKey(token: string): { tenantId: string; keyId?: string; secret: string } | undefined {
  const parts = token.trim().split('.');
  if (parts.length === 4) {
    const cred = parseCredential('ck', `${parts[0]}.${parts[1]}.${parts[3]}`);
    return cred && isId('key', parts[2]) ? { tenantId: cred.id, keyId: parts[2], secret: cred.secret } : undefined;
  }
  const cred = parseCredential('ck', token);
  return cred ? { tenantId: cred.id, secret: cred.secret } : undefined;
}
