/**
 * The benchmark input: every `Event:` message of every real recording
 * (test/fixtures/ami), concatenated and repeated, behind one banner.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AmiDecoder } from '../ami-codec/src/decoder.js';
import type { AmiMessage } from '../ami-codec/src/message.js';

export function fixturesDir(): string {
  // bench/ in the source tree, dist/bench/ once compiled.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'test', 'fixtures', 'ami');
    try {
      readdirSync(candidate);
      return candidate;
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error('test/fixtures/ami not found');
}

/** Raw bytes of each recorded Event message, CRLF terminated. */
export function recordedEventFrames(): Buffer[] {
  const root = fixturesDir();
  const frames: Buffer[] = [];
  for (const sub of ['', 'pjsip']) {
    const dir = join(root, sub);
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.ami') || f.endsWith('.sent.ami')) continue;
      const text = readFileSync(join(dir, f), 'latin1');
      for (const part of text.split('\r\n\r\n')) {
        const t = part.replace(/^[\r\n]+/, '');
        if (t.startsWith('Event:')) frames.push(Buffer.from(t + '\r\n\r\n', 'latin1'));
      }
    }
  }
  return frames;
}

export function recordedStream(repeat: number): { bytes: Buffer; events: number } {
  const frames = recordedEventFrames();
  const one = Buffer.concat(frames);
  return {
    bytes: Buffer.concat([Buffer.from('Asterisk Call Manager/9.0.0\r\n'), ...Array<Buffer>(repeat).fill(one)]),
    events: frames.length * repeat,
  };
}

/** One pass of the recordings with ids and channel names unique to repetition `rep` (so calls do not collide). */
function repetition(frames: Buffer[], rep: number): string {
  const tag = rep.toString(36);
  return frames
    .map((f) =>
      f
        .toString('latin1')
        .replace(/^((?:Dest)?(?:Uniqueid|Linkedid)|UniqueID): (\S+)/gm, `$1: r${tag}-$2`)
        .replace(/((?:SIP|PJSIP)\/[\w-]+?)-([0-9a-f]{8})\b/g, `$1-${tag}$2`),
    )
    .join('');
}

/** Every recorded Event message, `repeat` times over, decoded. */
export function recordedMessages(repeat: number): AmiMessage[] {
  const frames = recordedEventFrames();
  const messages: AmiMessage[] = [];
  for (let rep = 0; rep < repeat; rep++) new AmiDecoder({ expectBanner: false }).push(Buffer.from(repetition(frames, rep), 'latin1'), (m) => messages.push(m));
  return messages;
}

/** The mapper configuration the benchmarks use (the lab's). */
export const BENCH_MAPPER_CONFIG = {
  mac: '68:69:2e:03:8b:3e',
  trunks: ['trunk-provider'],
  inboundContexts: ['from-trunk'],
  feedbackContext: 'feedback',
  timezone: 'UTC',
  monitorDir: '/var/spool/asterisk/monitor',
  ivr: new Map([['ivr-main', { id: '700', name: 'Main menu' }]]),
  pausetime: false,
  wrapupSeconds: 30,
};
