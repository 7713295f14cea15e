/**
 * AMI parsing throughput, ours vs asterisk-manager, on the same recorded
 * stream served over loopback TCP, in one run. Prints events/s, MB/s and the
 * ratio. Target (issue 2): ours ≥ 5× asterisk-manager.
 *
 *   npm run bench:parse [-- --repeat 40 --rounds 5]
 */
import { createRequire } from 'node:module';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { AmiDecoder } from '../ami-codec/src/decoder.js';
import { recordedStream } from './recorded-stream.js';

const require = createRequire(import.meta.url);
const AsteriskManager = require('asterisk-manager') as (port: number, host: string) => {
  on(event: string, fn: (item: unknown) => void): void;
  disconnect(): void;
};

async function serve(bytes: Buffer): Promise<{ port: number; close(): void }> {
  const server = net.createServer((s) => s.end(bytes));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

async function ours(port: number): Promise<{ events: number; ms: number }> {
  const start = process.hrtime.bigint();
  const decoder = new AmiDecoder();
  let events = 0;
  await new Promise<void>((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.on('data', (chunk) =>
      decoder.push(chunk, (m) => {
        if (m.kind === 'event') events++;
      }),
    );
    s.on('end', resolve);
    s.on('error', reject);
  });
  return { events, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

async function theirs(port: number): Promise<{ events: number; ms: number }> {
  const start = process.hrtime.bigint();
  let events = 0;
  await new Promise<void>((resolve) => {
    const m = AsteriskManager(port, '127.0.0.1');
    m.on('managerevent', () => events++);
    m.on('close', () => {
      m.disconnect();
      resolve();
    });
  });
  return { events, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { repeat: { type: 'string', default: '40' }, rounds: { type: 'string', default: '5' } } });
  const { bytes, events } = recordedStream(Number(values.repeat));
  const server = await serve(bytes);
  const mb = bytes.length / 1e6;
  const runs = { ours: [] as number[], theirs: [] as number[] };
  // Warm both up once, then alternate so neither gets the quieter machine.
  await ours(server.port);
  await theirs(server.port);
  for (let r = 0; r < Number(values.rounds); r++) {
    const a = await ours(server.port);
    const b = await theirs(server.port);
    if (a.events !== events || b.events !== events) throw new Error(`event counts differ: expected ${events}, ours ${a.events}, asterisk-manager ${b.events}`);
    runs.ours.push(a.ms);
    runs.theirs.push(b.ms);
  }
  server.close();
  const o = median(runs.ours);
  const t = median(runs.theirs);
  const rate = (ms: number) => Math.round(events / (ms / 1000));
  const result = {
    bench: 'ami-parse',
    input: { events, megabytes: Number(mb.toFixed(1)), rounds: Number(values.rounds) },
    ours: { eventsPerSec: rate(o), mbPerSec: Number((mb / (o / 1000)).toFixed(1)), medianMs: Number(o.toFixed(1)) },
    asteriskManager: { eventsPerSec: rate(t), mbPerSec: Number((mb / (t / 1000)).toFixed(1)), medianMs: Number(t.toFixed(1)) },
    ratio: Number((t / o).toFixed(1)),
    target: 'ours >= 5x asterisk-manager',
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`ours ${result.ours.eventsPerSec} ev/s, asterisk-manager ${result.asteriskManager.eventsPerSec} ev/s: ${result.ratio}x ${result.ratio >= 5 ? '(target met)' : '(BELOW TARGET)'}\n`);
}

void main();
