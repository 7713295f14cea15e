/**
 * A queue created after the relay's login (`queue reload`): the first caller
 * joining it makes the relay ask QueueStatus for that queue, over real TCP,
 * so the caller's missCause is NO_AGENT_LOGIN when nobody in it is logged in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Relay } from '../../edge-relay/src/relay.js';
import { Scenario, wire, type ChannelRef } from '../helpers/ami-scenario.js';
import { listReply } from '../helpers/busy-pbx.js';
import { startFakeAmi, type FakeAmi } from '../helpers/fake-ami.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { expectedConf, setConf, startTestRelay } from '../helpers/relay-harness.js';
import { waitFor } from '../helpers/wait.js';

let relay: Relay | undefined;
let pbx: FakeAmi | undefined;
let receiver: Receiver | undefined;

afterEach(async () => {
  await relay?.stop();
  await pbx?.close();
  await receiver?.close();
  relay = pbx = receiver = undefined;
});

const member = (queue: string, iface: string, status: string): Array<[string, string]> => [
  ['Event', 'QueueMember'],
  ['Queue', queue],
  ['Name', iface],
  ['Location', iface],
  ['StateInterface', iface],
  ['Membership', 'dynamic'],
  ['Penalty', '0'],
  ['CallsTaken', '0'],
  ['LastCall', '0'],
  ['Status', status],
  ['Paused', '0'],
];
const params = (queue: string): Array<[string, string]> => [['Event', 'QueueParams'], ['Queue', queue], ['Max', '0'], ['Strategy', 'ringall'], ['Calls', '0']];

describe('a caller joining a queue the relay has never seen', () => {
  it('makes the relay ask QueueStatus for that queue; nobody logged in there: NO_AGENT_LOGIN', async () => {
    receiver = await startReceiver();
    const asked: Array<string | undefined> = [];
    pbx = await startFakeAmi((a, s) => {
      const id = a.get('ActionID')!;
      const action = a.get('Action')!;
      if (action === 'QueueStatus') {
        asked.push(a.get('Queue'));
        // At login Asterisk knew 630 only; 640 exists once the caller is in it (its one member unavailable).
        const items = a.get('Queue') === '640' ? [params('640'), member('640', 'SIP/809', '5')] : [params('630'), member('630', 'SIP/804', '1')];
        s.send(listReply(id, action, items));
      } else if (['ExtensionStateList', 'CoreShowChannels', 'Status'].includes(action)) s.send(listReply(id, action, []));
      else s.reply(a, [['Response', 'Success']]);
    });
    let conf = expectedConf('api.conf');
    conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: receiver.url });
    conf = setConf(conf, 'ami', { port: pbx.port });
    relay = await startTestRelay(conf);
    await waitFor(() => asked.length === 1, { what: 'the login snapshot' });
    const caller: ChannelRef = { channel: 'SIP/801-00000030', uniqueid: '1795513100.60', linkedid: '1795513100.60', num: '801' };
    const s = new Scenario(1795513100);
    const session = pbx.sessions[0];
    for (const m of [s.newchannel(caller), s.newexten(caller, 'queues', '640', 'Queue', '640,t,,,60'), s.queueJoin(caller, '640')]) session.send(wire(m));
    await waitFor(() => asked.includes('640'), { what: 'QueueStatus for 640' });
    await waitFor(() => relay!.mapper.queues.known('640'), { what: 'the answer applied' });
    s.at(15);
    for (const m of [s.hangupRequest(caller), s.queueAbandon(caller, '640', 15), s.hangup(caller)]) session.send(wire(m));
    await waitFor(() => receiver!.events().some((e) => e.event === 'cc_cdr'), { what: 'the cc_cdr' });
    expect(receiver.events().find((e) => e.event === 'cc_cdr')).toMatchObject({ queueCode: '640', cdrState: 'queue', missCause: 'NO_AGENT_LOGIN', queueTime: '15' });
    expect(asked).toEqual([undefined, '640']);
  });
});
