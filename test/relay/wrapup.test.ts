/**
 * After-call work through a running relay: the agent is paused on
 * AgentComplete and unpaused after wrapup_seconds (or earlier by hand), and a
 * relay restarted mid wrap-up unpauses the agent and still pushes the cc_cdr.
 * The relay runs on a manual clock: the wrap-up lasts exactly as long as the
 * test moves time, and "not yet" is a fact, not a guess after a sleep.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Relay } from '../../edge-relay/src/relay.js';
import type { AmiMessage } from '../../ami-codec/src/message.js';
import { ManualClock } from '../../protocol/src/clock.js';
import { Scenario, type ChannelRef } from '../helpers/ami-scenario.js';
import { startFakeAmi, type FakeAmi, type FakeSession } from '../helpers/fake-ami.js';
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

/** Renders a scenario message without its Timestamp (the relay's clock decides). */
function wire(m: AmiMessage): string {
  let out = '';
  for (const [k, v] of m.entries()) if (k !== 'Timestamp') out += `${k}: ${v}\r\n`;
  return out + '\r\n';
}

/** A PBX that pauses/unpauses SIP/804 like app_queue does when asked. */
async function queuePbx(): Promise<FakeAmi> {
  const s = new Scenario();
  return startFakeAmi((a, session) => {
    if (a.get('Action') === 'QueuePause') {
      const paused = a.get('Paused') === 'true';
      session.reply(a, [['Response', 'Success'], ['Message', paused ? 'Interface paused successfully' : 'Interface unpaused successfully']]);
      session.send(wire(s.member('QueueMemberPause', '630', a.get('Interface') ?? '', 1, paused, a.get('Reason') ?? '')));
    } else session.reply(a, [['Response', 'Success']]);
  });
}

function answeredQueueCall(session: FakeSession): void {
  const s = new Scenario();
  const msgs = [
    s.newchannel(caller),
    s.newexten(caller, 'queues', '630', 'Queue', '630,t,,,60'),
    s.queueJoin(caller, '630'),
    s.agent('AgentConnect', caller, agent, '630', 'SIP/804', [['HoldTime', '3'], ['RingTime', '2']]),
    s.hangupRequest(caller),
    s.agent('AgentComplete', caller, agent, '630', 'SIP/804', [['HoldTime', '3'], ['TalkTime', '25'], ['Reason', 'caller']]),
    s.hangup(caller),
  ];
  for (const m of msgs) session.send(wire(m));
}

function conf(amiPort: number, url: string, wrapupSeconds: number): string {
  let c = expectedConf('api.conf');
  c = setConf(c, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: url });
  c = setConf(c, 'ami', { port: amiPort });
  return setConf(c, 'enable', { pausetime: 'yes', wrapup_seconds: wrapupSeconds });
}

/** Everything the relay made of the call so far is at the receiver: the caller's hangup pushed, nothing left to push. */
const callPushed = (r: Relay, rcv: Receiver) => rcv.events().some((e) => e.event === 'hangup' && e.uniqueid === caller.uniqueid) && r.pusher!.backlog === 0;

/** An AMI round trip through the relay's session: every action it sent before has reached the PBX. */
async function amiBarrier(r: Relay, p: FakeAmi): Promise<void> {
  const pings = () => p.sessions.flatMap((s) => s.actions).filter((a) => a.get('Action') === 'Ping').length;
  const before = pings();
  await r.ami.action('Ping');
  await waitFor(() => pings() > before, { what: 'Ping at the PBX' });
}

const ccCdrs = (r: Receiver) => r.events().filter((e) => e.event === 'cc_cdr');
const pauses = (p: FakeAmi) => p.sessions.flatMap((s) => s.actions).filter((a) => a.get('Action') === 'QueuePause').map((a) => `${a.get('Interface')}:${a.get('Paused')}:${a.get('Reason') ?? ''}`);

describe('after-call work in a running relay', () => {
  it('pauses the agent, unpauses after wrapup_seconds, then pushes cc_cdr with pauseTime', async () => {
    receiver = await startReceiver();
    pbx = await queuePbx();
    const clock = new ManualClock(Date.now());
    relay = await startTestRelay(conf(pbx.port, receiver.url, 1), { clock });
    await relay.ami.waitReady();
    answeredQueueCall(pbx.sessions[0]);
    await waitFor(() => pauses(pbx!).length === 1);
    expect(pauses(pbx)).toEqual(['SIP/804:true:wrapup']);
    await waitFor(() => callPushed(relay!, receiver!), { what: 'the call pushed up to its hangup' });
    expect(ccCdrs(receiver)).toHaveLength(0); // still in wrap-up
    await waitFor(() => relay!.mapper.wrapups.pending()[0]?.pausedSec !== undefined, { what: 'Asterisk confirmed the pause' });
    clock.advance(1000);
    await waitFor(() => ccCdrs(receiver!).length === 1, { timeoutMs: 5000 });
    expect(pauses(pbx)).toEqual(['SIP/804:true:wrapup', 'SIP/804:false:']);
    expect(ccCdrs(receiver)[0]).toMatchObject({ agentCode: '804', talkingTime: '25', pauseTime: 1 });
  });

  it('finishes a wrap-up interrupted by a relay restart: unpauses at once, pauseTime covers the downtime', async () => {
    receiver = await startReceiver();
    pbx = await queuePbx();
    const dataDir = tempDir();
    const c = conf(pbx.port, receiver.url, 1);
    const clock = new ManualClock(Date.now());
    relay = await startTestRelay(c, { dataDir, clock });
    await relay.ami.waitReady();
    answeredQueueCall(pbx.sessions[0]);
    await waitFor(() => pauses(pbx!).length === 1);
    await waitFor(() => pbx!.sessions[0].received.length > 0 && relay!.mapper.wrapups.pending()[0]?.pausedSec !== undefined);
    await relay.stop(); // stopped mid wrap-up: nobody will unpause the agent…
    relay = undefined;
    expect(clock.pending).toBe(0); // the stopped relay left no timer behind
    clock.advance(2100); // …past the due time
    expect(pauses(pbx)).toEqual(['SIP/804:true:wrapup']);
    relay = await startTestRelay(c, { dataDir, clock });
    await waitFor(() => pauses(pbx!).length === 2, { what: 'unpause after restart' });
    expect(pauses(pbx)[1]).toBe('SIP/804:false:');
    await waitFor(() => ccCdrs(receiver!).length === 1);
    expect(Number(ccCdrs(receiver)[0].pauseTime)).toBeGreaterThanOrEqual(2);
  });

  it('a manual unpause ends the wrap-up early and the timer never fires', async () => {
    receiver = await startReceiver();
    pbx = await queuePbx();
    const clock = new ManualClock(Date.now());
    relay = await startTestRelay(conf(pbx.port, receiver.url, 30), { clock });
    await relay.ami.waitReady();
    answeredQueueCall(pbx.sessions[0]);
    await waitFor(() => pauses(pbx!).length === 1);
    await waitFor(() => relay!.mapper.wrapups.pending()[0]?.pausedSec !== undefined, { what: 'Asterisk confirmed the pause' });
    clock.advance(1000);
    // The agent unpauses from the phone or toolbar:
    pbx.sessions[0].send(wire(new Scenario().member('QueueMemberPause', '630', 'SIP/804', 1, false)));
    await waitFor(() => ccCdrs(receiver!).length === 1);
    expect(ccCdrs(receiver)[0].pauseTime).toBe(1);
    await amiBarrier(relay, pbx);
    expect(pauses(pbx)).toEqual(['SIP/804:true:wrapup']);
  });
});
