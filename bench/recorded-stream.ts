/**
 * The benchmark input: every `Event:` message of every real recording
 * (test/fixtures/ami), concatenated and repeated, behind one banner.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
