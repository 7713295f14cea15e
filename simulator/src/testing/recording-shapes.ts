/**
 * Compare AMI traffic with a real recording by shape, not by value: which
 * events come in which order, and which headers each event type carries in
 * which order. Security noise (SuccessfulAuth, ChallengeSent, RTCP) is left
 * out. Device-state reports (DeviceStateChange, ExtensionStatus,
 * QueueMemberStatus) come from another Asterisk thread and land at racy
 * places, so they are compared as a multiset of (event, device, state).
 */

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AmiDecoder } from '../../../ami-codec/src/decoder.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';

export const AMI_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures', 'ami');

export const NOISE = new Set(['SuccessfulAuth', 'ChallengeSent', 'RTCPSent', 'RTCPReceived', 'FullyBooted']);
export const DEVICE_EVENTS = new Set(['DeviceStateChange', 'ExtensionStatus', 'QueueMemberStatus']);

/** Every message of a recording (`call-busy`, `pjsip/call-answered-pjsip`), banner excluded. */
export function readRecording(name: string): AmiMessage[] {
  const bytes = readFileSync(join(AMI_FIXTURES, `${name}.ami`));
  const out: AmiMessage[] = [];
  new AmiDecoder({ expectBanner: true }).push(bytes, (m) => {
    if (m.kind !== 'banner') out.push(m);
  });
  return out;
}

/** Unsolicited events only (list items carry no Privilege; Status is the exception). */
export function unsolicited(messages: AmiMessage[]): AmiMessage[] {
  return messages.filter((m) => m.kind === 'event' && m.has('Privilege') && m.event !== 'Status' && !NOISE.has(m.event));
}

/** Event names in order, device-state reports left out. */
export function eventSequence(messages: AmiMessage[]): string[] {
  return unsolicited(messages)
    .filter((m) => !DEVICE_EVENTS.has(m.event))
    .map((m) => m.event);
}

/** Device-state reports as sorted `Event|device|state` keys. */
export function deviceReports(messages: AmiMessage[]): string[] {
  return unsolicited(messages)
    .filter((m) => DEVICE_EVENTS.has(m.event))
    .map((m) => {
      if (m.event === 'DeviceStateChange') return `DSC|${normDevice(m.get('Device') ?? '')}|${m.get('State')}`;
      if (m.event === 'ExtensionStatus') return `EXT|${m.get('Exten')}|${m.get('Status')}`;
      return `QMS|${normDevice(m.get('Interface') ?? '')}|${m.get('Queue')}|${m.get('Status')}`;
    })
    .sort();
}

/** `PJSIP/803` and `SIP/803` compare equal. */
function normDevice(d: string): string {
  return d.replace(/^PJSIP\//, 'SIP/').replace(/_SIP\//, '_SIP/').replace(/_PJSIP\//, '_SIP/');
}

/**
 * Bridge re-evaluations re-report BRIDGEPEER/BRIDGEPVTCALLID a racy number of
 * times (once, twice or three times in the recordings of the same call).
 */
const REREPORTED = new Set(['BRIDGEPEER', 'BRIDGEPVTCALLID']);

/**
 * Multiset of event names (for recordings whose order is racy throughout);
 * VarSet is counted per variable, BRIDGEPEER re-reports left out.
 */
export function eventCounts(messages: AmiMessage[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of unsolicited(messages)) {
    const variable = m.event === 'VarSet' ? (m.get('Variable') ?? '') : '';
    if (REREPORTED.has(variable)) continue;
    const key = m.event === 'VarSet' ? `VarSet:${variable}` : m.event;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Header-name lists per event type (and per response kind), as a set of shapes. */
export type HeaderShapes = Map<string, Set<string>>;

/** Add one message's shape: `Event:Newchannel` or `response:Success:<Message>` → its header names in order. */
export function addShape(shapes: HeaderShapes, kind: string, type: string, message: string | undefined, keys: string[]): void {
  if (kind === 'event' && NOISE.has(type)) return;
  const name = kind === 'event' ? `Event:${type}` : `${kind}:${type}:${message ?? ''}`;
  const set = shapes.get(name) ?? new Set<string>();
  set.add(keys.join(','));
  shapes.set(name, set);
}

export function headerShapes(messages: AmiMessage[]): HeaderShapes {
  const shapes: HeaderShapes = new Map();
  for (const m of messages) {
    const keys = [];
    for (let i = 0; i < m.fields.length; i += 2) keys.push(m.fields[i]);
    addShape(shapes, m.kind, m.type, m.get('Message'), keys);
  }
  return shapes;
}

/** Shapes in `actual` that the recording never shows for that event type (empty = conforming). */
export function shapeMismatches(actual: AmiMessage[], recorded: AmiMessage[]): string[] {
  return shapeDiff(headerShapes(actual), headerShapes(recorded));
}

/** Shapes in `got` that `want` never shows for that message type. */
export function shapeDiff(got: HeaderShapes, want: HeaderShapes): string[] {
  const bad: string[] = [];
  for (const [name, shapes] of got) {
    const allowed = want.get(name);
    if (!allowed) continue;
    for (const s of shapes) if (!allowed.has(s)) bad.push(`${name}: ${s}\n   recorded: ${[...allowed].join(' | ')}`);
  }
  return bad;
}

/** `event: got N, recorded M` for every event whose count differs (empty = same multiset). */
export function countsDiff(actual: AmiMessage[], recorded: AmiMessage[]): string[] {
  const a = eventCounts(actual);
  const b = eventCounts(recorded);
  const out: string[] = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (a[k] !== b[k]) out.push(`${k}: got ${a[k] ?? 0}, recorded ${b[k] ?? 0}`);
  return out.sort();
}

let everything: AmiMessage[] | undefined;

/** Every recording's name (`call-busy`, `pjsip/call-answered-pjsip`). */
export function recordingNames(): string[] {
  const out: string[] = [];
  for (const dir of ['', 'pjsip/']) {
    for (const f of readdirSync(join(AMI_FIXTURES, dir))) if (f.endsWith('.ami') && !f.endsWith('.sent.ami')) out.push(dir + f.slice(0, -4));
  }
  return out;
}

/** Every message of every recording (chan_sip and chan_pjsip), for shape checks of unrecorded flows. */
export function allRecordedMessages(): AmiMessage[] {
  everything ??= recordingNames().flatMap(readRecording);
  return everything;
}
