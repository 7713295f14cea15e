/**
 * Asterisk restarts under a running relay (the PBX simulator's `core restart
 * now`, with a boot phase as seen live: logins accepted before app_queue is
 * loaded, so QueueStatus is an unknown command and ExtensionStateList lists
 * no hints, then FullyBooted to every session). The relay is back within the
 * boot, keeps nothing stale once Asterisk has booted, and closes the calls the
 * restart cut, marked recovered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Relay } from '../../edge-relay/src/relay.js';
import { startSimulator, type PbxSimulator } from '../../simulator/src/index.js';
import { captureLog } from '../helpers/log-capture.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { expectedConf, setConf, startTestRelay } from '../helpers/relay-harness.js';
import { waitFor } from '../helpers/wait.js';

let sim: PbxSimulator | undefined;
let relay: Relay | undefined;
let receiver: Receiver | undefined;

afterEach(async () => {
  await relay?.stop();
  await sim?.close();
  await receiver?.close();
  relay = sim = receiver = undefined;
});

describe('Asterisk restarting under the relay', () => {
  it('takes the snapshot again once Asterisk says FullyBooted: its queue picture is Asterisk\'s, the cut call is closed, the idle phone reported', async () => {
    // 20 simulated seconds per real one: down 1 s of PBX time, booting 60 s (3 s: longer than the relay waits for FullyBooted).
    sim = await startSimulator({ timeScale: 0.05, restartDownMs: 1000, restartBootMs: 60_000, timestampEvents: true });
    receiver = await startReceiver();
    const log = captureLog('info');
    let conf = expectedConf('api.conf');
    conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: receiver.url });
    conf = setConf(conf, 'ami', { port: sim.port });
    relay = await startTestRelay(conf, { logger: log.logger });
    await log.waitFor('snapshot applied');
    const r = relay;
    // An agent logs in for the day (a dynamic member: the restart forgets it), and a call is up.
    const login = await fetch(`http://127.0.0.1:${r.lan.port}/coocenter-api/queues/agent-login`, { method: 'POST', body: new URLSearchParams({ extension: '806', queue: '630' }) });
    expect(login.status).toBe(200);
    await waitFor(() => r.mapper.queues.queuesOf('SIP/806').includes('630'), { what: 'the relay sees the new member' });
    void sim.call('801', '802', { outcome: 'answer', ringMs: 1000, talkMs: Infinity }).catch(() => undefined);
    await waitFor(() => receiver!.events().some((e) => e.event === 'dialend' || (e.event === 'extensionstatus' && e.exten === '802' && e.status === '1')), { what: 'the call up' });
    const before = receiver.received.length;

    await sim.restart();
    // Logged in again while Asterisk boots: QueueStatus is refused, the old picture stays for now…
    await waitFor(() => log.lines.some((l) => l.msg === 'snapshot part failed' && l.action === 'QueueStatus'), { what: 'the snapshot during the boot' });
    // …until FullyBooted: then the snapshot is taken again and the picture is Asterisk's.
    await log.waitFor('Asterisk has finished booting: taking the snapshot again');
    await waitFor(() => !r.mapper.queues.queuesOf('SIP/806').includes('630'), { what: 'the forgotten member gone from the picture' });
    expect(r.mapper.queues.queuesOf('SIP/804')).toContain('630');

    // The restart cut the call: both legs closed, marked recovered; the phones reported idle once hints are back.
    await waitFor(() => receiver!.events().some((e) => e.event === 'extensionstatus' && e.exten === '801' && e.status === '0'), { what: '801 idle' });
    const after = receiver.received.slice(before);
    const hangups = after.filter((x) => x.body.event === 'hangup');
    expect(hangups.map((x) => x.body.calleridnum).sort()).toEqual(['801', '802']);
    for (const h of hangups) expect(h.headers['x-coocenter-recovered']).toBe('1');
    const dialend = after.find((x) => x.body.event === 'dialend');
    expect(dialend?.body).toMatchObject({ calleridnum: '801', destcalleridnum: '802', dialstatus: 'hangup' });
    const idle = after.find((x) => x.body.event === 'extensionstatus' && x.body.exten === '801');
    expect(idle?.headers['x-coocenter-recovered']).toBe('1');
  });
});
