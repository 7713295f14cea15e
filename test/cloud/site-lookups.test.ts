/**
 * Whether a site id exists must not show in how it is answered (issue 16,
 * defect 4): another tenant's site and a site that does not exist take the
 * same path, through the tenant key and through the box's WEBKEY alike. Not
 * a timing test: it counts what each answer does — reads of the store and
 * WEBKEY decryptions — on the real DynamoDB Local.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { dynamoClient } from '../../cloud/src/aws-clients.js';
import { AccountStore } from '../../cloud/src/store/accounts.js';
import { tableNames } from '../../cloud/src/store/dynamo.js';
import { randomId, SecretBox } from '../../cloud/src/store/secrets.js';
import { ensureTables } from '../../cloud/src/store/tables.js';
import { ManualClock } from '../../protocol/src/clock.js';

/** A SecretBox that counts how often a sealed WEBKEY is opened. */
class CountingBox extends SecretBox {
  opens = 0;
  override open(sealed: string): string {
    this.opens++;
    return super.open(sealed);
  }
}

const db = dynamoClient({ endpoint: inject('dynamoEndpoint') });
let reads = 0;
db.middlewareStack.add(
  (next) => async (args) => {
    reads++;
    return next(args);
  },
  { step: 'initialize', name: 'countReads' },
);
const tables = tableNames(randomId('lk'));
const clock = new ManualClock(Date.parse('2026-11-24T10:00:00Z'));
const box = new CountingBox(randomBytes(32));
let tenantA: string;
let tenantB: string;
let siteOfA: string;
const MISSING = 'site_0000000000000000';

beforeAll(async () => {
  await ensureTables(db, tables);
  const setup = new AccountStore(db, tables.main, box, clock);
  tenantA = (await setup.createTenant('A')).tenant.id;
  tenantB = (await setup.createTenant('B')).tenant.id;
  siteOfA = (await setup.createSite(tenantA, { name: 'A1', webkey: 'secret-webkey' })).site.id;
});

/** What one look-up costs: store reads and WEBKEY decryptions. */
async function cost(f: () => Promise<unknown>): Promise<{ reads: number; opens: number }> {
  const [r, o] = [reads, box.opens];
  await f();
  return { reads: reads - r, opens: box.opens - o };
}

describe('another tenant’s site and a missing one take the same path', () => {
  it('through a tenant key: one read each, then both from the cache for as long', async () => {
    const store = new AccountStore(db, tables.main, box, clock);
    const other = () => store.siteOfTenant(tenantB, siteOfA);
    const missing = () => store.siteOfTenant(tenantB, MISSING);
    expect(await other()).toBeUndefined();
    expect(await missing()).toBeUndefined();
    clock.advance(1);
    expect([await cost(other), await cost(missing)]).toEqual([
      { reads: 0, opens: 0 },
      { reads: 0, opens: 0 },
    ]);
    // Long after a miss used to be forgotten (2 s), both are still served from the cache.
    clock.advance(10_000);
    expect([await cost(other), await cost(missing)]).toEqual([
      { reads: 0, opens: 0 },
      { reads: 0, opens: 0 },
    ]);
    // And both expire together.
    clock.advance(60_000);
    expect([await cost(other), await cost(missing)]).toEqual([
      { reads: 1, opens: 0 },
      { reads: 1, opens: 0 },
    ]);
  });

  it('through the WEBKEY: the same reads and the same decryption whether the site exists or not', async () => {
    const store = new AccountStore(db, tables.main, box, clock);
    const first = [await cost(() => store.webkeyOf(siteOfA)), await cost(() => store.webkeyOf(MISSING))];
    expect(first[0]).toEqual(first[1]);
    const again = [await cost(() => store.webkeyOf(siteOfA)), await cost(() => store.webkeyOf(MISSING))];
    expect(again[0]).toEqual(again[1]);
    expect(again[0].reads).toBe(0);
  });
});
