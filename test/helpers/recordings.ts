/**
 * Access to the real Asterisk AMI recordings copied into test/fixtures/ami.
 * See test/fixtures/ami/README.md for what each one shows.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
export const AMI_DIR = join(FIXTURES, 'ami');

export interface ManifestEntry {
  kind: 'action' | 'events';
  bytes: number;
  /** Messages in the .ami file, the banner counted (from the recording's notes). */
  messages: number;
  events: number;
}

export const manifest: Record<string, ManifestEntry> = JSON.parse(readFileSync(join(AMI_DIR, 'manifest.json'), 'utf8'));

/** Every recording name, e.g. `call-busy` or `pjsip/call-answered-pjsip`. */
export function recordingNames(): string[] {
  const names: string[] = [];
  for (const dir of ['', 'pjsip/']) {
    for (const f of readdirSync(join(AMI_DIR, dir))) {
      if (f.endsWith('.ami') && !f.endsWith('.sent.ami')) names.push(dir + f.slice(0, -4));
    }
  }
  return names.sort();
}

export interface TimelineEntry {
  t: number;
  rel: number;
  dir: 'in' | 'out';
  off: number;
  len: number;
}

export interface Recording {
  name: string;
  /** Every byte the client received (banner first). */
  received: Buffer;
  /** Every byte the client sent. */
  sent: Buffer;
  timeline: TimelineEntry[];
}

export function loadRecording(name: string): Recording {
  const base = join(AMI_DIR, name);
  return {
    name,
    received: readFileSync(base + '.ami'),
    sent: readFileSync(base + '.sent.ami'),
    timeline: readFileSync(base + '.timeline.jsonl', 'utf8')
      .split('\n')
      .filter((l) => l.trim().length > 0)
      .map((l) => JSON.parse(l) as TimelineEntry),
  };
}
