/**
 * A scripted PBX for tunnel tests: `channels` calls up (CoreShowChannels, with
 * non-ASCII caller names so byte-exactness shows), empty queue and hint
 * lists, and every write accepted.
 */
import { frame, startFakeAmi, type FakeAmi } from './fake-ami.js';

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
