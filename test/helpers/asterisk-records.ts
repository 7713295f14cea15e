/**
 * Asterisk's own records copied into test/fixtures/asterisk-records (see its
 * README): the lab's Master.csv and queue_log, and the three "relay restarted
 * mid-call" transcripts whose AMI Cdr events and Master.csv rows are the same
 * CDRs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AmiDecoder } from '../../ami-codec/src/decoder.js';
import type { AmiMessage } from '../../ami-codec/src/message.js';
import { FIXTURES } from './recordings.js';

export const RECORDS_DIR = join(FIXTURES, 'asterisk-records');
export const LAB_DIR = join(RECORDS_DIR, 'lab');
export const RESTART_DIR = join(RECORDS_DIR, 'restart');

export const RESTART_TRANSCRIPTS = ['restart-midcall-queue', 'restart-midcall-queue-abandon', 'restart-midcall-ivr-trunk'] as const;
export type RestartTranscript = (typeof RESTART_TRANSCRIPTS)[number];

/** The lab PBX's clock is UTC (Uniqueid epochs read as its CDR wall-clock times). */
export const LAB_TIMEZONE = 'UTC';

export function labFile(name: 'Master.csv' | 'queue_log' | 'cdr.conf' | 'logger.conf'): Buffer {
  return readFileSync(join(LAB_DIR, name));
}

export function restartFile(name: RestartTranscript, kind: 'Master.csv' | 'queue_log' | 'ami'): Buffer {
  return readFileSync(join(RESTART_DIR, `${name}.${kind}`));
}

/** Every message of a transcript's .ami, in order (banner, responses, list items, events). */
export function restartMessages(name: RestartTranscript): AmiMessage[] {
  const out: AmiMessage[] = [];
  new AmiDecoder().push(restartFile(name, 'ami'), (m) => out.push(m));
  return out;
}

/**
 * Member name → interface of the lab's queues, from its queues.conf
 * (`member => SIP/803,0,Dave Agent,SIP/803`), plus SIP/800 "Alice Agent", which
 * the restart transcripts' README says was added to 630 as a dynamic member.
 */
export function labMembers(): Map<string, string> {
  const conf = readFileSync(join(FIXTURES, 'ami', 'lab-config', 'queues.conf'), 'utf8');
  const members = new Map<string, string>();
  for (const m of conf.matchAll(/^member\s*=>\s*([^,\s]+),[^,]*,([^,]+),/gm)) members.set(m[2].trim(), m[1]);
  members.set('Alice Agent', 'SIP/800');
  return members;
}
