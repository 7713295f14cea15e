/**
 * The talk-time race across a restart: the caller of a bridged queue call has
 * hung up and the relay is waiting (2 s) for the agent's AgentComplete when it
 * stops. The record waiting is saved with the state, and the wait must go on
 * in the next run: when no AgentComplete comes, the cc_cdr still goes out
 * (partial: its talk time is unknown) instead of staying in the state forever.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Relay } from '../../edge-relay/src/relay.js';
import { Scenario, wire, type ChannelRef } from '../helpers/ami-scenario.js';
import { listReply } from '../helpers/busy-pbx.js';
import { startFakeAmi, type FakeAmi } from '../helpers/fake-ami.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { expectedConf, setConf, startTestRelay, tempDir } from '../helpers/relay-harness.js';
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

const caller: ChannelRef = { channel: 'SIP/801-00000018', uniqueid: '1795513000.42', linkedid: '1795513000.42', num: '801' };
const agent: ChannelRef = { channel: 'SIP/804-0000001a', uniqueid: '1795513010.44', linkedid: '1795513000.42', num: '804' };

const queueParams: Array<[string, string]> = [['Event', 'QueueParams'], ['Queue', '630'], ['Max', '0'], ['Strategy', 'ringall'], ['Calls', '0']];
const member804: Array<[string, string]> = [
  ['Event', 'QueueMember'], ['Queue', '630'], ['Name', 'SIP/804'], ['Location', 'SIP/804'], ['StateInterface', 'SIP/804'],
  ['Membership', 'dynamic'], ['Penalty', '0'], ['CallsTaken', '0'], ['LastCall', '0'], ['Status', '1'], ['Paused', '0'],
];

describe('a cc_cdr waiting for its AgentComplete when the relay stops', () => {
  it('goes out after the restart once the wait is over, marked partial', async () => {
    receiver = await startReceiver();
    pbx = await startFakeAmi((a, s) => {
      const id = a.get('ActionID')!;
      const action = a.get('Action')!;
      if (action === 'QueueStatus') s.send(listReply(id, action, [queueParams, member804]));
      else if (['ExtensionStateList', 'CoreShowChannels', 'Status'].includes(action)) s.send(listReply(id, action, []));
      else s.reply(a, [['Response', 'Success']]);
    });
    let conf = expectedConf('api.conf');
    conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: receiver.url });
    conf = setConf(conf, 'ami', { port: pbx.port });
    conf = setConf(conf, 'enable', { pausetime: 'no' });
    const dataDir = tempDir();
    relay = await startTestRelay(conf, { dataDir });
    await waitFor(() => relay!.mapper.queues.known('630'), { what: 'the login snapshot' });

    const s = new Scenario();
    const session = pbx.sessions[0];
    const msgs = [s.newchannel(caller), s.newexten(caller, 'queues', '630', 'Queue', '630,t,,,60'), s.queueJoin(caller, '630')];
    s.at(3);
    msgs.push(s.agent('AgentConnect', caller, agent, '630', 'SIP/804', [['HoldTime', '3'], ['RingTime', '2']]));
    s.at(16);
    msgs.push(s.hangupRequest(caller), s.hangup(caller));
    // A marker after the hang-up: once its event is pushed, the hang-up is in the saved state.
    msgs.push(s.event('ExtensionStatus', [['Exten', '809'], ['Context', 'from-internal'], ['Hint', 'SIP/809'], ['Status', '0'], ['StatusText', 'Idle']]));
    for (const m of msgs) session.send(wire(m));
    await waitFor(() => receiver!.events().some((e) => e.event === 'extensionstatus' && e.exten === '809'), { what: 'the marker pushed' });
    // Stopped inside the 2 s wait: nothing has gone out for the queue call yet.
    await relay.stop();
    relay = undefined;
    expect(receiver.events().filter((e) => e.event === 'cc_cdr')).toEqual([]);

    relay = await startTestRelay(conf, { dataDir });
    await waitFor(() => receiver!.events().some((e) => e.event === 'cc_cdr'), { what: 'the cc_cdr after the restart', timeoutMs: 15_000 });
    const pushed = receiver.received.find((r) => r.body.event === 'cc_cdr')!;
    expect(pushed.body).toMatchObject({ caller: '801', queueCode: '630', agentCode: '804', cdrState: 'bridged', talkingTime: '0', queueTime: '3' });
    expect(pushed.headers['x-coocenter-partial']).toBe('1');
  });
});
