/**
 * Replay what a recorded AMI client sent, against the simulator, and line up
 * each answer with the recorded answer to the same action: same Response and
 * Message, same headers in the same order, same list events.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AmiDecoder } from '../../../ami-codec/src/decoder.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import type { ActionAnswer, AmiTestClient } from './ami-test-client.js';
import { rawAnswer, recordedBytes, text } from './raw-bytes.js';
import { AMI_FIXTURES, readRecording } from './recording-shapes.js';

/** The actions a recording's client sent, in order. */
export function sentActions(name: string): AmiMessage[] {
  const out: AmiMessage[] = [];
  new AmiDecoder({ expectBanner: false }).push(readFileSync(join(AMI_FIXTURES, `${name}.sent.ami`)), (m) => out.push(m));
  return out;
}

/** The recorded answer to the action with `actionId`. */
export function recordedAnswer(messages: AmiMessage[], actionId: string): ActionAnswer | undefined {
  const response = messages.find((m) => m.kind === 'response' && m.get('ActionID') === actionId);
  if (!response) return undefined;
  const events = messages.filter((m) => m.kind === 'event' && m.get('ActionID') === actionId && (!m.has('Privilege') || m.event === 'Status'));
  return { response, events };
}

function keys(m: AmiMessage): string {
  const k: string[] = [];
  for (let i = 0; i < m.fields.length; i += 2) k.push(m.fields[i]);
  return k.join(',');
}

/**
 * A comparable outline of an answer: the response status and message, and
 * for every message its header names in order. Values are compared only
 * where they identify (Message, EventList, Event).
 */
export function outline(a: ActionAnswer): string[] {
  const head = `${a.response.get('Response')}|${a.response.get('Message') ?? ''}|${keys(a.response)}`;
  return [head, ...a.events.map((e) => `${e.event}|${keys(e)}`)];
}

/** Send one recorded action as it was sent (header order kept) and wait for its answer. */
export async function resend(client: AmiTestClient, action: AmiMessage): Promise<ActionAnswer | undefined> {
  let text = '';
  for (const [k, v] of action.entries()) text += `${k}: ${v}\r\n`;
  client.write(text + '\r\n');
  const id = action.get('ActionID');
  if (!id) return undefined;
  const response = await client.waitFor(() => client.messages.find((m) => m.kind === 'response' && m.get('ActionID') === id), 5000, `answer to ${action.get('Action')}`);
  if (response.get('EventList') !== 'start') return { response, events: [] };
  await client.waitFor(() => client.messages.find((m) => m.kind === 'event' && m.get('ActionID') === id && m.get('EventList') === 'Complete'), 5000, 'list end');
  return recordedAnswer(client.messages, id);
}

export interface ReplayStep {
  sent: AmiMessage;
  got: ActionAnswer | undefined;
  want: ActionAnswer | undefined;
  /** The same answers as the bytes that carried them (raw-bytes.ts), not decoded. */
  gotBytes: string[];
  wantBytes: string[];
}

/**
 * Replay every action of `name` after Login (the test logs in itself). `before`
 * runs ahead of an action (start a call, …) and may rewrite it (channel names).
 */
export async function replay(
  client: AmiTestClient,
  name: string,
  before: (action: AmiMessage, index: number) => Promise<AmiMessage | void> | AmiMessage | void = () => undefined,
): Promise<ReplayStep[]> {
  const recorded = readRecording(name);
  const recordedText = text(recordedBytes(name));
  const steps: ReplayStep[] = [];
  const actions = sentActions(name);
  for (let i = 0; i < actions.length; i++) {
    let action = actions[i];
    const act = (action.get('Action') ?? '').toLowerCase();
    if (act === 'login' || act === 'logoff') continue;
    action = (await before(action, i)) ?? action;
    const got = await resend(client, action);
    const id = actions[i].get('ActionID');
    steps.push({
      sent: action,
      got,
      want: id ? recordedAnswer(recorded, id) : undefined,
      gotBytes: id ? rawAnswer(text(client.raw), id) : [],
      wantBytes: id ? rawAnswer(recordedText, id) : [],
    });
  }
  return steps;
}
