/**
 * A scripted PBX for tunnel tests: `channels` calls up (CoreShowChannels, with
 * non-ASCII caller names so byte-exactness shows), empty queue and hint
 * lists, and every write accepted.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { frame, startFakeAmi, type FakeAmi } from './fake-ami.js';
import { tempDir } from './relay-harness.js';

/** An EventList answer: the start response, the items, the Complete event. */
export function listReply(id: string, name: string, items: Array<Array<[string, string]>>): string {
  return (
    frame([['Response', 'Success'], ['ActionID', id], ['EventList', 'start'], ['Message', 'Channels will follow']]) +
    items.map((h) => frame([...h, ['ActionID', id]])).join('') +
    frame([['Event', `${name}Complete`], ['ActionID', id], ['EventList', 'Complete'], ['ListItems', String(items.length)]])
  );
}

export function channelRows(n: number): Array<Array<[string, string]>> {
  return Array.from({ length: n }, (_, i) => [
    ['Event', 'CoreShowChannel'],
    ['Channel', `SIP/8${String(i % 100).padStart(2, '0')}-${i.toString(16).padStart(8, '0')}`],
    ['ChannelState', '6'],
    ['ChannelStateDesc', 'Up'],
    ['CallerIDNum', String(800 + (i % 100))],
    ['CallerIDName', `Agent Ünïcode ${i}`],
    ['ConnectedLineNum', '4930555000'],
    ['ConnectedLineName', 'Caller'],
    ['Uniqueid', `1795513000.${i}`],
    ['Linkedid', `1795513000.${i}`],
    ['Duration', '00:01:00'],
  ]);
}

export function startBusyPbx(channels: number): Promise<FakeAmi> {
  return startFakeAmi((a, s) => {
    const id = a.get('ActionID')!;
    const name = a.get('Action')!;
    if (name === 'CoreShowChannels') s.send(listReply(id, name, channelRows(channels)));
    else if (name === 'QueueStatus' || name === 'ExtensionStateList') s.send(listReply(id, name, []));
    else if (name === 'Originate') s.reply(a, [['Response', 'Success'], ['Message', 'Originate successfully queued']]);
    else s.reply(a, [['Response', 'Success']]);
  });
}

/** A monitor folder holding one 200 KB recording at `2026/call-1.wav` (several 32 KB frames' worth). */
export function monitorWithRecording(): { monitorDir: string; audio: Buffer } {
  const monitorDir = tempDir('monitor-');
  mkdirSync(join(monitorDir, '2026'), { recursive: true });
  const audio = Buffer.alloc(200_000);
  for (let i = 0; i < audio.length; i++) audio[i] = (i * 31) % 251;
  writeFileSync(join(monitorDir, '2026', 'call-1.wav'), audio);
  return { monitorDir, audio };
}
