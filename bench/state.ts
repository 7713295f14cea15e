/**
 * What saving the call state costs the event path, and what a backlog costs
 * to read, in one run:
 *  1. the mapper alone on the real recordings (as bench:relay measures it),
 *     and, with `--baseline DIR` (a compiled tree of an earlier version, e.g.
 *     main's `dist/`), that version's mapper on the same frames in the same
 *     process — the figure to compare with;
 *  2. the mapper with its state committed as the relay does: a delta taken
 *     and serialized per socket read (100 frames), no disk;
 *  3. the whole path to disk: mapper → spool + state journal (one fdatasync
 *     per batch, checkpoints every 500 ms), group commit as in the relay,
 *     until everything is durable — target ≥ half the mapper's rate;
 *  4. a consumer working through 50,000 records waiting on disk, one read
 *     per event as the LAN push does — target < 20 µs per event.
 *
 *   npm run bench:state [-- --repeat 40 --baseline /path/to/dist]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AmiMessage } from '../ami-codec/src/message.js';
import { EventMapper } from '../edge-relay/src/events/mapper.js';
import { Spool } from '../edge-relay/src/events/spool.js';
import { StateJournal } from '../edge-relay/src/recovery/journal.js';
import { systemClock } from '../protocol/src/clock.js';
import { silentLogger } from '../protocol/src/log.js';
import type { BoxEvent } from '../protocol/src/events/box-events.js';
import { BENCH_MAPPER_CONFIG, recordedMessages } from './recorded-stream.js';
import { print } from './support.js';

const BATCH = 100;
const START = Date.UTC(2026, 10, 24, 9, 0, 0);

interface Mapperish {
  map(m: AmiMessage, at: number): { events: unknown[] };
}

/**
 * Each of `runs` timed `rounds` times, interleaved (a busy machine's noise
 * then falls on all alike), after a warm-up; the median of each, as frames/s.
 */
function rates(frames: number, runs: Record<string, () => number>, rounds = 7): Record<string, { medianMs: number; framesPerSec: number }> {
  const times: Record<string, number[]> = {};
  for (const [name, run] of Object.entries(runs)) ((times[name] = []), run());
  for (let i = 0; i < rounds; i++) for (const [name, run] of Object.entries(runs)) times[name].push(run());
  const out: Record<string, { medianMs: number; framesPerSec: number }> = {};
  for (const [name, t] of Object.entries(times)) {
    const median = t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
    out[name] = { medianMs: Number(median.toFixed(1)), framesPerSec: Math.round(frames / (median / 1000)) };
  }
  return out;
}

function timeMapping(messages: AmiMessage[], make: () => Mapperish, perBatch?: (mapper: Mapperish) => void): number {
  const mapper = make();
  let now = START;
  const t = process.hrtime.bigint();
  for (let i = 0; i < messages.length; i++) {
    mapper.map(messages[i], (now += 1));
    if (perBatch && i % BATCH === BATCH - 1) perBatch(mapper);
  }
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function baselineMapper(dir: string): Promise<() => Mapperish> {
  const mod = (await import(join(dir, 'edge-relay', 'src', 'events', 'mapper.js'))) as { EventMapper: new (c: unknown) => Mapperish };
  return () => new mod.EventMapper(BENCH_MAPPER_CONFIG);
}

/** Frames through mapper, spool and journal until durable: the relay's group commit, one socket read per BATCH frames. */
async function toDisk(messages: AmiMessage[]): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-state-'));
  const mapper = new EventMapper(BENCH_MAPPER_CONFIG);
  const journal = new StateJournal({ dir: join(dir, 'state'), source: mapper, clock: systemClock, logger: silentLogger, checkpointEveryMs: 500 });
  journal.recover();
  const spool = new Spool({ dir: join(dir, 'spool'), consumers: [], journal });
  let now = START;
  const t = process.hrtime.bigint();
  for (let i = 0; i < messages.length; i += BATCH) {
    for (const m of messages.slice(i, i + BATCH)) {
      const r = mapper.map(m, (now += 1));
      if (r.events.length > 0) spool.append(r.events, r.calls, r.marks);
      else spool.commit();
    }
    // The next socket read comes after this turn of the event loop: the flush in flight goes on meanwhile.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await spool.flush();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const stateBytes = readdirSync(join(dir, 'state')).reduce((n, f) => n + statSync(join(dir, 'state', f)).size, 0);
  const events = spool.seq;
  await spool.close();
  await journal.close();
  rmSync(dir, { recursive: true, force: true });
  return { frames: messages.length, boxEvents: events, ms: Number(ms.toFixed(1)), framesPerSec: Math.round(messages.length / (ms / 1000)), stateBytesOnDisk: stateBytes };
}

/** A consumer reading 50,000 waiting records one by one from the files. */
async function backlogRead(records: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-backlog-'));
  const spool = new Spool({ dir, consumers: ['lan'] });
  const ev = (n: number): BoxEvent => ({ event: 'extensionstatus', timestamp: `${1795513000 + n}.000000`, exten: String(800 + (n % 100)), status: '1', statustext: 'InUse', mac: '68:69:2e:03:8b:3e' });
  for (let i = 0; i < records; i += 1000) spool.append(Array.from({ length: 1000 }, (_, k) => ev(i + k)));
  await spool.flush();
  await spool.close();
  // A fresh start, as after an outage: the newest 5,000 in memory, the rest only on disk.
  const reader = new Spool({ dir, consumers: ['lan'] });
  const t = process.hrtime.bigint();
  let after = 0;
  let fromDisk = 0;
  for (;;) {
    const [r] = reader.read(after, 1, 'lan');
    if (!r) break;
    if (r.seq <= records - 5000) fromDisk++;
    after = r.seq;
  }
  const us = Number(process.hrtime.bigint() - t) / 1e3;
  await reader.close();
  rmSync(dir, { recursive: true, force: true });
  return { waiting: records, read: after, fromDisk, totalMs: Number((us / 1000).toFixed(1)), usPerEvent: Number((us / after).toFixed(2)) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { repeat: { type: 'string', default: '40' }, baseline: { type: 'string' } } });
  const messages = recordedMessages(Number(values.repeat));
  const frames = messages.length;
  const current = () => new EventMapper(BENCH_MAPPER_CONFIG);
  const runs: Record<string, () => number> = {
    mapper: () => timeMapping(messages, current),
    mapperWithStateDeltas: () => timeMapping(messages, current, (m) => JSON.stringify((m as EventMapper).takeDelta())),
  };
  if (values.baseline) {
    const make = await baselineMapper(values.baseline);
    runs.baselineMapper = () => timeMapping(messages, make);
  }
  const measured = rates(frames, runs);
  const disk = await toDisk(messages);
  const backlog = await backlogRead(50_000);
  print({
    bench: 'state',
    frames,
    ...measured,
    ...(values.baseline ? { baselineDir: values.baseline } : {}),
    mapperSpoolJournalToDisk: disk,
    backlogRead: backlog,
    targets: { toDiskFramesPerSec: `>= half the baseline mapper's (${measured.baselineMapper ? Math.round(measured.baselineMapper.framesPerSec / 2) : 'give --baseline'})`, backlogUsPerEvent: '< 20' },
  });
}

void main();
