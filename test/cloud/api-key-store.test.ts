/**
 * The key store on the real DynamoDB Local, time on a manual clock: an older
 * tenant's single key (`ck.<tenantId>.<secret>`, its hash on the tenant's
 * item) keeps working as an admin key and can be revoked; `lastUsedAt` is
 * written again only once a minute has passed; a matching key is never
 * served from memory (every check reads its item), so a revocation by any
 * other instance holds at once. An agent link is a key of the same form
 * bound to a site and extension, refused once it expires.
 */
import { randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { dynamoClient } from '../../cloud/src/aws-clients.js';
import { AccountStore } from '../../cloud/src/store/accounts.js';
import { LEGACY_KEY_ID } from '../../cloud/src/store/api-keys.js';
import { tableNames } from '../../cloud/src/store/dynamo.js';
import { hashSecret, randomId, randomSecret, SecretBox } from '../../cloud/src/store/secrets.js';
import { ensureTables } from '../../cloud/src/store/tables.js';
import { ManualClock } from '../../protocol/src/clock.js';

const db = dynamoClient({ endpoint: inject('dynamoEndpoint') });
let writes = 0;
db.middlewareStack.add(
  (next) => async (args) => {
    if ((args.input as { UpdateExpression?: string }).UpdateExpression?.includes('SET #f')) writes++;
    return next(args);
  },
  { step: 'initialize', name: 'countTouches' },
);
const tables = tableNames(randomId('ak'));
const clock = new ManualClock(Date.parse('2026-11-24T10:00:00Z'));
const box = new SecretBox(randomBytes(32));

beforeAll(async () => ensureTables(db, tables));

describe('API keys in the store', () => {
  it('an older tenant\'s single key is an admin key, listed and revocable as key_legacy…', async () => {
    const store = new AccountStore(db, tables.main, box, clock);
    const id = randomId('ten');
    const secret = randomSecret();
    // A tenant as the cloud wrote it before keys had names.
    await db.send(new PutCommand({ TableName: tables.main, Item: { PK: `T#${id}`, SK: 'META', type: 'tenant', id, name: 'Old', createdAt: '2026-01-01T00:00:00.000Z', apiKeyHash: hashSecret(secret) } }));
    const token = `ck.${id}.${secret}`;
    expect(await store.keys.principalFor(token)).toEqual({ tenantId: id, keyId: LEGACY_KEY_ID, scopes: ['admin'] });
    expect(await store.keys.list(id)).toEqual([{ id: LEGACY_KEY_ID, name: 'initial key', scopes: ['admin'], createdAt: '2026-01-01T00:00:00.000Z', lastUsedAt: '2026-11-24T10:00:00.000Z' }]);
    expect(await store.keys.revoke(id, LEGACY_KEY_ID)).toBe(true);
    expect(await store.keys.principalFor(token)).toBeUndefined();
    expect(await store.keys.list(id)).toEqual([]);
    expect(await store.keys.revoke(id, LEGACY_KEY_ID)).toBe(false);
  });

  it('writes lastUsedAt at most once a minute per key, whichever instance serves the request', async () => {
    const [one, two] = [new AccountStore(db, tables.main, box, clock), new AccountStore(db, tables.main, box, clock)];
    const { tenant, apiKey } = await one.createTenant('T');
    const before = writes;
    await one.keys.principalFor(apiKey);
    expect(writes - before).toBe(1);
    for (let i = 0; i < 5; i++) {
      clock.advance(10_000);
      await (i % 2 ? one : two).keys.principalFor(apiKey);
    }
    expect(writes - before).toBe(1); // 50 s later: still the first write
    clock.advance(10_001);
    await two.keys.principalFor(apiKey);
    expect(writes - before).toBe(2);
    expect((await one.keys.list(tenant.id))[0].lastUsedAt).toBe(new Date(clock.now()).toISOString());
  });

  it('a key revoked by one instance is refused by another that accepted it a moment before', async () => {
    const [one, two] = [new AccountStore(db, tables.main, box, clock), new AccountStore(db, tables.main, box, clock)];
    const { tenant } = await one.createTenant('T');
    const made = await one.keys.create(tenant.id, 'ops', ['read', 'calls']);
    expect((await two.keys.principalFor(made!.token))?.scopes).toEqual(['read', 'calls']);
    expect(await one.keys.revoke(tenant.id, made!.key.id)).toBe(true);
    expect(await two.keys.principalFor(made!.token)).toBeUndefined();
    // A forged secret for a real key id is refused too.
    const forged = made!.token.replace(/\.[^.]+$/, `.${randomSecret()}`);
    expect(await two.keys.principalFor(forged)).toBeUndefined();
  });

  it('an agent link carries its site and extension, stops working when it expires, and is revoked per site only', async () => {
    const store = new AccountStore(db, tables.main, box, clock);
    const tenantId = randomId('ten');
    const siteId = randomId('site');
    const made = await store.keys.createAgentLink(tenantId, { siteId, extension: '804' }, 'Eve', 2);
    expect(made?.link).toMatchObject({ siteId, extension: '804', expiresAt: new Date(clock.now() + 2 * 86_400_000).toISOString() });
    expect(await store.keys.principalFor(made!.token)).toEqual({ tenantId, keyId: made!.link.id, scopes: ['agent'], agent: { siteId, extension: '804' } });
    // Not among the keys, and not revocable as one, nor through another site.
    expect(await store.keys.list(tenantId)).toEqual([]);
    expect(await store.keys.revoke(tenantId, made!.link.id)).toBe(false);
    expect(await store.keys.revokeAgentLink(tenantId, randomId('site'), made!.link.id)).toBe(false);
    clock.advance(2 * 86_400_000 - 1);
    expect(await store.keys.principalFor(made!.token)).toMatchObject({ keyId: made!.link.id });
    clock.advance(1);
    expect(await store.keys.principalFor(made!.token)).toBeUndefined();
    expect(await store.keys.listAgentLinks(tenantId, siteId)).toHaveLength(1);
    expect(await store.keys.revokeAgentLink(tenantId, siteId, made!.link.id)).toBe(true);
    expect(await store.keys.listAgentLinks(tenantId, siteId)).toEqual([]);
  });
});
