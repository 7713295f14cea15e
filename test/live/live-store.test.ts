/**
 * The live-state item in DynamoDB Local, written by several stores at once as
 * concurrent Lambda invocations would: each frame applies once, in order, and
 * a delta that comes before its predecessor is told it found a gap.
 */
import { describe, expect, inject, it } from 'vitest';
import { dynamoClient } from '../../cloud/src/aws-clients.js';
import { tableNames } from '../../cloud/src/store/dynamo.js';
import { LiveStore } from '../../cloud/src/store/live.js';
import { randomId } from '../../cloud/src/store/secrets.js';
import { ensureTables } from '../../cloud/src/store/tables.js';
import type { StateFrame } from '../../protocol/src/wire/frames.js';

const ext = (n: number, status = '0') => ({ op: 'extension' as const, extension: { extension: String(n), status } });
const frame = (ver: number, changes: StateFrame['changes'], reset?: true): StateFrame => ({ t: 'state', ver, at: 1_795_513_000_000 + ver, changes, ...(reset ? { reset } : {}) });

describe('LiveStore on DynamoDB', () => {
  it('applies concurrent frames of one connection once each, in order; a delta before its predecessor finds a gap', async () => {
    const db = dynamoClient({ endpoint: inject('dynamoEndpoint') });
    const tables = tableNames(randomId('live'));
    await ensureTables(db, tables, { stream: false });
    const [a, b, c] = [0, 1, 2].map(() => new LiveStore(db, tables.main));
    expect((await a.apply('s1', 'c1', frame(1, [ext(800)], true), 0)).kind).toBe('applied');
    // Three processes, each with a cached view, race with the next deltas.
    await Promise.all([b.get('s1'), c.get('s1')]);
    const outcomes = await Promise.all([b.apply('s1', 'c1', frame(2, [ext(801)]), 0), c.apply('s1', 'c1', frame(2, [ext(801)]), 0), a.apply('s1', 'c1', frame(3, [ext(800, '1')]), 0)]);
    expect(outcomes.filter((o) => o.kind === 'applied').length).toBeGreaterThanOrEqual(1);
    expect(outcomes.filter((o) => o.kind === 'applied' && o.item.ver === 2)).toHaveLength(1);
    if (outcomes[2].kind === 'gap') expect((await a.apply('s1', 'c1', frame(3, [ext(800, '1')]), 0)).kind).toBe('applied');
    const item = await new LiveStore(db, tables.main).get('s1');
    expect(item).toMatchObject({ conn: 'c1', ver: 3, online: true, syncing: false });
    expect(item!.state.extensions).toEqual({ '800': { extension: '800', status: '1' }, '801': { extension: '801', status: '0' } });

    // The connection goes: the state stays, offline; a new connection's snapshot replaces it.
    expect(await a.offline('s1', 'c1', 5_000)).toBe(true);
    expect(await b.get('s1')).toMatchObject({ online: false, since: new Date(5_000).toISOString() });
    // A late frame of the closed connection still applies on its own line, and leaves it offline.
    expect(await c.apply('s1', 'c1', frame(4, [ext(802)]), 0)).toMatchObject({ kind: 'applied', item: { online: false } });
    const fresh = await b.apply('s1', 'c2', frame(1, [ext(900)], true), 6_000);
    expect(fresh).toMatchObject({ kind: 'applied', full: true, item: { conn: 'c2', ver: 1, online: true } });
    expect(Object.keys((await a.get('s1'))!.state.extensions)).toEqual(['900']);
    expect((await c.apply('s1', 'c1', frame(5, [ext(803)]), 0)).kind).toBe('gap');
  });
});
