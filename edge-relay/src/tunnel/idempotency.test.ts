/**
 * The Idempotency-Key memory on a real file, time on a manual clock: a key's
 * answer is remembered for 24 hours, across restarts; a run cut short by a
 * restart is never run again.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../protocol/src/clock.js';
import { tempDir } from '../../../test/helpers/relay-harness.js';
import { IDEMPOTENCY_TTL_MS, IdempotencyStore, type StoredOutcome } from './idempotency.js';

const ok: StoredOutcome = { ok: true, result: { status: 'success', message: 'Originate successfully queued' } };
const refused: StoredOutcome = { ok: false, error: { status: 404, message: 'Interface not found' } };

function setUp() {
  const file = join(tempDir('idem-'), 'idempotency.jsonl');
  const clock = new ManualClock(Date.UTC(2026, 4, 1, 9, 0, 0));
  return { file, clock, open: () => new IdempotencyStore(file, clock) };
}

describe('idempotency store', () => {
  it('gives a repeated key the first run\'s answer, success or refusal, also after a restart', () => {
    const { open } = setUp();
    const a = open();
    expect(a.claim('click-1')).toEqual({ kind: 'new' });
    a.finish('click-1', ok);
    expect(a.claim('pause-1')).toEqual({ kind: 'new' });
    a.finish('pause-1', refused);
    expect(a.claim('click-1')).toEqual({ kind: 'done', outcome: ok });
    const b = open();
    expect(b.claim('click-1')).toEqual({ kind: 'done', outcome: ok });
    expect(b.claim('pause-1')).toEqual({ kind: 'done', outcome: refused });
    expect(b.size).toBe(2);
  });

  it('refuses a key reused for another command or other fields, also after a restart', () => {
    const { open } = setUp();
    const a = open();
    expect(a.claim('crm-1', 'click 801→802')).toEqual({ kind: 'new' });
    a.finish('crm-1', ok);
    expect(a.claim('crm-1', 'click 801→802')).toEqual({ kind: 'done', outcome: ok });
    expect(a.claim('crm-1', 'click 801→803')).toEqual({ kind: 'reused' });
    expect(open().claim('crm-1', 'pause 801')).toEqual({ kind: 'reused' });
    expect(open().claim('crm-1', 'click 801→802')).toEqual({ kind: 'done', outcome: ok });
  });

  it('makes a duplicate that arrives while the first runs wait for its answer', async () => {
    const { open } = setUp();
    const store = open();
    expect(store.claim('k')).toEqual({ kind: 'new' });
    const dup = store.claim('k');
    expect(dup.kind).toBe('running');
    store.finish('k', ok);
    expect(await (dup as { wait: Promise<StoredOutcome> }).wait).toEqual(ok);
  });

  it('refuses to run again a key whose first run a restart cut short (its outcome is unknown)', () => {
    const { open } = setUp();
    open().claim('click-2'); // the process dies before finish()
    expect(open().claim('click-2')).toEqual({ kind: 'unknown' });
  });

  it('forgets a key 24 hours after its first run, in memory and on reopen', () => {
    const { open, clock } = setUp();
    const store = open();
    store.claim('k');
    store.finish('k', ok);
    clock.advance(IDEMPOTENCY_TTL_MS);
    expect(store.claim('k')).toEqual({ kind: 'done', outcome: ok }); // exactly 24 h: still remembered
    expect(open().claim('k')).toEqual({ kind: 'done', outcome: ok });
    clock.advance(1);
    expect(open().size).toBe(0);
    expect(store.claim('k')).toEqual({ kind: 'new' });
  });

  it('survives a torn last line from a crash mid-write', () => {
    const { open, file } = setUp();
    const store = open();
    store.claim('a');
    store.finish('a', ok);
    appendFileSync(file, '{"key":"b","at":17');
    const reopened = open();
    expect(reopened.claim('a')).toEqual({ kind: 'done', outcome: ok });
    expect(reopened.claim('b')).toEqual({ kind: 'new' });
  });

  it('compacts its journal once most of it has expired', () => {
    const { open, file, clock } = setUp();
    const store = open();
    for (let i = 0; i < 600; i++) {
      store.claim(`old-${i}`);
      store.finish(`old-${i}`, ok);
    }
    clock.advance(IDEMPOTENCY_TTL_MS + 1);
    for (let i = 0; i < 10; i++) {
      store.claim(`new-${i}`);
      store.finish(`new-${i}`, ok);
    }
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeLessThan(100);
    const reopened = open();
    expect(reopened.size).toBe(10);
    expect(reopened.claim('new-9')).toEqual({ kind: 'done', outcome: ok });
    expect(reopened.claim('old-0')).toEqual({ kind: 'new' });
  });
});
