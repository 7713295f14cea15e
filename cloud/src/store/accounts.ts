/**
 * Tenants and sites in the main table.
 *
 *   PK T#<tenantId>  SK META        tenant: name, corsOrigins (apiKeyHash: an older tenant's one key)
 *   PK T#<tenantId>  SK K#<keyId>   an API key (store/api-keys.ts)
 *   PK T#<tenantId>  SK S#<siteId>  the tenant's list entry for a site
 *   PK S#<siteId>    SK META        site: tenantId, name, relayTokenHash, webkey (sealed)
 *   PK TENANTS       SK T#<tenantId> the operator's list of tenants (name, createdAt)
 *
 * A site is written as both items in one transaction, so listing a tenant's
 * sites is one strongly consistent Query and resolving `/sites/{siteId}` or a
 * relay token is one GetItem.
 */

import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../../protocol/src/clock.js';
import { ApiKeyStore } from './api-keys.js';
import { isId, newId } from './ids.js';
import { hashSecret, makeCredential, parseCredential, randomSecret, verifySecret, type SecretBox } from './secrets.js';
import { TtlCache } from './ttl-cache.js';

export interface Tenant {
  id: string;
  name: string;
  createdAt: string;
  /** Browser origins allowed to call the tenant's API (CORS). */
  corsOrigins: string[];
}

export interface Site {
  id: string;
  tenantId: string;
  name: string;
  createdAt: string;
  /** IANA zone for the WEBKEY date check; default UTC. */
  timezone?: string;
  hasWebkey: boolean;
  /** The tenant's screen-pop URL template for the site; absent: the relay's pop_url. */
  popUrl?: string;
}

interface SiteItem extends Site {
  relayTokenHash: string;
  webkey?: string;
}

/**
 * Whether a site exists must not show in how long a request takes or what it
 * does (README "Limits"): a site that is missing and one that is another
 * tenant's are cached alike (a miss as long as a hit), a missing site's
 * WEBKEY check decrypts and compares a decoy, and a credential naming a
 * missing tenant or site is still compared against a hash.
 */
export class AccountStore {
  /** The tenants' API keys (never cached when they match: a revocation takes effect at once). */
  readonly keys: ApiKeyStore;
  /** Hot look-ups: site id → site, tenant id → tenant (its CORS origins), misses too. */
  private readonly tenants: TtlCache<string, Tenant | undefined>;
  private readonly sites: TtlCache<string, SiteItem | undefined>;
  /** Opened and compared when a site has no WEBKEY (or does not exist): it matches no request. Sealed at first use (some functions have no key). */
  private decoyWebkey?: string;
  /** Compared against when a credential names nothing. */
  private readonly decoyHash = hashSecret(randomSecret());

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    cacheTtlMs = 30_000,
  ) {
    this.keys = new ApiKeyStore(db, table, clock);
    this.tenants = new TtlCache(clock, cacheTtlMs);
    this.sites = new TtlCache(clock, cacheTtlMs);
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** A tenant and its first key, an `admin` key named "initial" (shown once). */
  async createTenant(name: string): Promise<{ tenant: Tenant; apiKey: string }> {
    const id = newId('tenant');
    const tenant: Tenant = { id, name, createdAt: this.now(), corsOrigins: [] };
    const first = this.keys.mint(id, 'initial', ['admin']);
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.table, Item: { PK: `T#${id}`, SK: 'META', type: 'tenant', ...tenant }, ConditionExpression: 'attribute_not_exists(PK)' } },
          { Put: { TableName: this.table, Item: first.item } },
          { Put: { TableName: this.table, Item: { PK: 'TENANTS', SK: `T#${id}`, type: 'tenant-ref', id, name, createdAt: tenant.createdAt } } },
        ],
      }),
    );
    return { tenant, apiKey: first.token };
  }

  async getTenant(id: string): Promise<Tenant | undefined> {
    if (!isId('tenant', id)) return undefined;
    const item = (await this.db.send(new GetCommand({ TableName: this.table, Key: { PK: `T#${id}`, SK: 'META' }, ConsistentRead: true }))).Item;
    return item ? publicTenant(item) : undefined;
  }

  /** A tenant, or that there is none, cached (what CORS needs before any key is checked). */
  async cachedTenant(id: string): Promise<Tenant | undefined> {
    return this.tenants.getOrLoad(id, () => this.getTenant(id));
  }

  /** The operator's list, by tenant id; `after` is the last id of the previous page. */
  async listTenants(limit: number, after?: string): Promise<{ tenants: Omit<Tenant, 'corsOrigins'>[]; next: string | null }> {
    const r = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND SK > :after',
        ExpressionAttributeValues: { ':pk': 'TENANTS', ':after': `T#${after ?? ''}` },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    const tenants = (r.Items ?? []).map((i) => ({ id: i.id as string, name: i.name as string, createdAt: i.createdAt as string }));
    return { tenants, next: r.LastEvaluatedKey && tenants.length > 0 ? tenants[tenants.length - 1].id : null };
  }

  /** Sets the tenant's CORS origins; false when there is no such tenant. */
  async setCorsOrigins(id: string, origins: string[]): Promise<Tenant | undefined> {
    try {
      const r = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { PK: `T#${id}`, SK: 'META' },
          UpdateExpression: 'SET corsOrigins = :o',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':o': origins },
          ReturnValues: 'ALL_NEW',
        }),
      );
      this.tenants.delete(id);
      return publicTenant(r.Attributes ?? {});
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw err;
    }
  }

  async createSite(tenantId: string, input: { name: string; webkey?: string; timezone?: string }): Promise<{ site: Site; relayToken: string }> {
    const id = newId('site');
    const token = makeCredential('rt', id);
    const site: Site = { id, tenantId, name: input.name, createdAt: this.now(), timezone: input.timezone, hasWebkey: Boolean(input.webkey) };
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: { PK: `S#${id}`, SK: 'META', type: 'site', ...site, relayTokenHash: token.hash, webkey: input.webkey ? this.box.seal(input.webkey) : undefined },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          { Put: { TableName: this.table, Item: { PK: `T#${tenantId}`, SK: `S#${id}`, type: 'site-ref', siteId: id, name: input.name, createdAt: site.createdAt } } },
        ],
      }),
    );
    // A look-up of this id before it existed (a guess) must not hide it now.
    this.sites.delete(id);
    return { site, relayToken: token.token };
  }

  async listSites(tenantId: string): Promise<Site[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :s)',
          ExpressionAttributeValues: { ':pk': `T#${tenantId}`, ':s': 'S#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of r.Items ?? []) ids.push(item.siteId as string);
      start = r.LastEvaluatedKey;
    } while (start);
    const sites = await Promise.all(ids.map((id) => this.getSite(id)));
    return sites.filter((s): s is SiteItem => s !== undefined && s.tenantId === tenantId).map(publicSite);
  }

  /** A site, or that there is none: both cached for the same time (relay tokens are always checked against a fresh read). */
  async cachedSite(siteId: string): Promise<SiteItem | undefined> {
    return this.sites.getOrLoad(siteId, () => this.getSite(siteId));
  }

  /** A site with its secrets' hashes (for authentication), or undefined; an id of the wrong shape is not looked up. */
  async getSite(siteId: string): Promise<SiteItem | undefined> {
    if (!isId('site', siteId)) return undefined;
    const item = (await this.db.send(new GetCommand({ TableName: this.table, Key: { PK: `S#${siteId}`, SK: 'META' }, ConsistentRead: true }))).Item;
    return item as SiteItem | undefined;
  }

  /** A site of this tenant, or undefined (another tenant's site looks the same as a missing one). */
  async siteOfTenant(tenantId: string, siteId: string): Promise<Site | undefined> {
    const site = await this.cachedSite(siteId);
    return site && site.tenantId === tenantId ? publicSite(site) : undefined;
  }

  async rotateRelayToken(tenantId: string, siteId: string): Promise<string | undefined> {
    const site = await this.getSite(siteId);
    if (!site || site.tenantId !== tenantId) return undefined;
    const token = makeCredential('rt', siteId);
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { PK: `S#${siteId}`, SK: 'META' },
        UpdateExpression: 'SET relayTokenHash = :h, tokenRotatedAt = :at',
        ExpressionAttributeValues: { ':h': token.hash, ':at': this.now() },
      }),
    );
    this.sites.delete(siteId);
    return token.token;
  }

  /** Renames a site, changes its zone, WEBKEY or screen-pop URL (null removes either); undefined when the tenant has no such site. */
  async updateSite(tenantId: string, siteId: string, change: { name?: string; timezone?: string; webkey?: string | null; popUrl?: string | null }): Promise<Site | undefined> {
    const site = await this.getSite(siteId);
    if (!site || site.tenantId !== tenantId) return undefined;
    const set: string[] = [];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ':tenant': tenantId };
    const names: Record<string, string> = {};
    if (change.name !== undefined) (set.push('#name = :name'), (names['#name'] = 'name'), (values[':name'] = change.name));
    if (change.timezone !== undefined) (set.push('#tz = :tz'), (names['#tz'] = 'timezone'), (values[':tz'] = change.timezone));
    if (change.webkey === null) remove.push('webkey');
    else if (change.webkey !== undefined) (set.push('webkey = :wk'), (values[':wk'] = this.box.seal(change.webkey)));
    if (change.popUrl === null) remove.push('popUrl');
    else if (change.popUrl !== undefined) (set.push('popUrl = :pop'), (values[':pop'] = change.popUrl));
    const expression = [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : ''].join(' ').trim();
    if (expression) {
      const update = {
        TableName: this.table,
        Key: { PK: `S#${siteId}`, SK: 'META' },
        UpdateExpression: expression,
        ConditionExpression: 'tenantId = :tenant',
        ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
        ExpressionAttributeValues: values,
      };
      const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [{ Update: update }];
      // The tenant's list entry carries the name too.
      if (change.name !== undefined) items.push({ Update: { TableName: this.table, Key: { PK: `T#${tenantId}`, SK: `S#${siteId}` }, UpdateExpression: 'SET #name = :name', ExpressionAttributeNames: { '#name': 'name' }, ExpressionAttributeValues: { ':name': change.name } } });
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    }
    this.sites.delete(siteId);
    return publicSite((await this.getSite(siteId)) as SiteItem);
  }

  /**
   * Deletes a site: its relay token stops working at once (relay tokens are
   * always checked against a fresh read). Its stored events are left to
   * expire by the retention rules.
   */
  async deleteSite(tenantId: string, siteId: string): Promise<boolean> {
    const site = await this.getSite(siteId);
    if (!site || site.tenantId !== tenantId) return false;
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: this.table, Key: { PK: `S#${siteId}`, SK: 'META' }, ConditionExpression: 'tenantId = :t', ExpressionAttributeValues: { ':t': tenantId } } },
          { Delete: { TableName: this.table, Key: { PK: `T#${tenantId}`, SK: `S#${siteId}` } } },
        ],
      }),
    );
    this.sites.delete(siteId);
    return true;
  }

  /** The site a relay token belongs to, or undefined (constant-time check). */
  async siteForRelayToken(token: string): Promise<Site | undefined> {
    const cred = parseCredential('rt', token);
    if (!cred) return undefined;
    const site = await this.getSite(cred.id);
    const matches = verifySecret(cred.secret, site?.relayTokenHash ?? this.decoyHash);
    if (!site || !matches) return undefined;
    return publicSite(site);
  }

  /**
   * The site's WEBKEY in clear, for the md5(WEBKEY + date) check. A site
   * without one, or no site, gets a decoy opened the same way, which no
   * request matches (`real: false`): the caller checks it all the same.
   */
  async webkeyOf(siteId: string): Promise<{ webkey: string; timezone?: string; real: boolean }> {
    const site = await this.cachedSite(siteId);
    const webkey = this.box.open(site?.webkey ?? (this.decoyWebkey ??= this.box.seal(randomSecret())));
    return { webkey, timezone: site?.timezone, real: site?.webkey !== undefined };
  }
}

function publicTenant(item: Record<string, unknown>): Tenant {
  return { id: item.id as string, name: item.name as string, createdAt: item.createdAt as string, corsOrigins: (item.corsOrigins as string[] | undefined) ?? [] };
}

function publicSite(s: SiteItem): Site {
  return { id: s.id, tenantId: s.tenantId, name: s.name, createdAt: s.createdAt, timezone: s.timezone, hasWebkey: Boolean(s.webkey), ...(s.popUrl ? { popUrl: s.popUrl } : {}) };
}
