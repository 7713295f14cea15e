/**
 * One call-center scenario on the PBX simulator (Master.csv and queue_log
 * written beside it), with the relay as its own process pushing to a LAN
 * receiver; run once as it is and once with the relay killed (SIGKILL) in
 * the middle, so a test can compare what arrived. Phases are driven by what
 * the PBX and the receiver show, never by sleeping; durations inside calls
 * are simulated time, so they come out the same in both runs.
 *
 * Before the kill:  c1 801 → queue 630, answered by 803, over: 803 in wrap-up
 *                   c2 0612345601 → DID 4930555630 → 630, talking to 804
 *                   c3 800 in the IVR, has pressed 2 (Read of an account number)
 *                   c4 802 → 801 ringing
 *                   c5 808 → queue 631, talking to 806
 * While down:       c6 0612345603 → 630, nobody free, abandons after 12 s
 *                   c5 ends (COMPLETECALLER)
 * After:            803's and 806's wrap-ups ended by hand (806's began while the relay
 *                   was down: it starts when the relay is back); c3 presses 1# and the
 *                   IVR hangs up; 801 answers c4, which ends; c2 ends, 804's wrap-up ended.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AmiMessage } from '../../ami-codec/src/message.js';
import { startSimulator, type PbxSimulator } from '../../simulator/src/index.js';
import { AmiTestClient } from '../../simulator/src/testing/ami-test-client.js';
import { startReceiver, type Received } from './receiver.js';
import { startReleasedRelay, type ReleasedRelay } from './released-relay.js';
import { expectedConf, setConf } from './relay-harness.js';
import { waitFor } from './wait.js';

/** 50 simulated seconds per real one. */
const TIME_SCALE = 0.02;

export interface ScenarioRun {
  received: Received[];
  /** The relay's JSON log lines (both processes, in the crash run). */
  logs: Array<Record<string, unknown>>;
  /** Everything the PBX said (an AMI client of its own). */
  pbx: AmiMessage[];
}

const noop = () => undefined;

export async function runScenario(crash: boolean): Promise<ScenarioRun> {
  const dir = mkdtempSync(join(tmpdir(), crash ? 'crash-' : 'reference-'));
  // Durations must come out the same in both runs, however late timers fire on a loaded machine.
  const sim = await startSimulator({ timeScale: TIME_SCALE, steadyClock: true, timestampEvents: true, cdrCsvPath: join(dir, 'Master.csv'), queueLogPath: join(dir, 'queue_log') });
  const receiver = await startReceiver();
  const monitor = await AmiTestClient.connect(sim.port);
  await monitor.login();
  const relays: ReleasedRelay[] = [];
  let relay: ReleasedRelay | undefined;
  const calls: Array<Promise<unknown>> = [];
  try {
    let conf = expectedConf('api.conf');
    conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: receiver.url });
    conf = setConf(conf, 'ami', { port: sim.port });
    conf = setConf(conf, 'enable', { pausetime: 'yes', wrapup_seconds: 3600 });
    conf = setConf(conf, 'pbx', { timezone: Intl.DateTimeFormat().resolvedOptions().timeZone, cdr_csv: join(dir, 'Master.csv'), queue_log: join(dir, 'queue_log') });
    const start = async () => {
      const r = await startReleasedRelay(process.execPath, [join(process.cwd(), 'bin', 'coocenter-relay.js')], { cwd: dir, conf });
      relays.push(r);
      await waitFor(() => r.logs.some((l) => l.msg === 'snapshot applied'), { timeoutMs: 20_000, what: 'the relay logged in' });
      return r;
    };
    relay = await start();
    const run = crash ? 'crash run' : 'reference run';
    const seen = (pred: (m: AmiMessage) => boolean, what: string) => monitor.waitFor(() => monitor.messages.some(pred), 30_000, `${what} (${run})`);
    const lan = (path: string, form: Record<string, string>) => fetch(`http://127.0.0.1:${relay!.lanPort}/coocenter-api/${path}`, { method: 'POST', body: new URLSearchParams(form) });
    const pushed = (pred: (e: Record<string, unknown>) => boolean) => receiver.events().some(pred);

    // Before the kill.
    await sim.queueCall('801', '630', { agents: { '803': 'answer' }, agentRingMs: 2000, talkMs: 10_000 });
    await seen((m) => m.event === 'QueueMemberPause' && m.get('Interface') === 'SIP/803' && m.get('Paused') === '1', '803 paused for its wrap-up');
    calls.push(sim.trunkInbound('0612345601', '4930555630', { queue: { agents: { '804': 'answer' }, agentRingMs: 2000, talkMs: 800_000 } }).catch(noop));
    await seen((m) => m.event === 'AgentConnect' && m.get('CallerIDNum') === '0612345601', 'c2 connected to 804');
    calls.push(sim.ivrCall('800', '21#', { delaysMs: [1000, 600_000, 500] }).catch(noop));
    await seen((m) => m.event === 'DTMFEnd' && m.get('Digit') === '2' && m.get('CallerIDNum') === '800', 'c3 pressed 2');
    // The lab dialplan's ring timeout is the DIALTIMEOUT global (20 s): long enough to ring through the restart.
    await monitor.action('Setvar', { Variable: 'DIALTIMEOUT', Value: '3600' });
    calls.push(sim.call('802', '801', { outcome: 'answer', ringMs: 700_000, talkMs: 20_000 }).catch(noop));
    await seen((m) => m.event === 'DialBegin' && m.get('CallerIDNum') === '802', 'c4 ringing');
    // c5 must still be talking when the relay is killed and end before it is back: 300 s of
    // simulated talk are 6 s here, room for the marker's round trip on a loaded machine.
    const c5 = sim.queueCall('808', '631', { agents: { '806': 'answer' }, agentRingMs: 2000, talkMs: 300_000 }).catch(noop);
    await seen((m) => m.event === 'AgentConnect' && m.get('CallerIDNum') === '808', 'c5 connected to 806');
    // Everything the relay heard so far is committed once an event it pushed after it has arrived.
    await sim.register('809');
    await waitFor(() => pushed((e) => e.event === 'extensionstatus' && e.exten === '809'), { timeoutMs: 10_000, what: 'the marker pushed' });

    if (crash) {
      relay.child.kill('SIGKILL');
      await new Promise((r) => relay!.child.once('exit', r));
    }
    // While the relay is down (in the crash run).
    await sim.trunkInbound('0612345603', '4930555630', { queue: { abandonAfterMs: 12_000 } });
    await c5;
    if (crash) {
      relay = await start();
      const back = relay;
      await waitFor(() => back.logs.some((l) => l.msg === "recovered from Asterisk's records what the relay did not see"), { timeoutMs: 20_000, what: 'the backfill' });
      if (process.env.CRASH_SCENARIO_DEBUG) for (const l of back.logs) process.stderr.write(JSON.stringify(l) + '\n');
    }

    // After.
    await lan('queues/agent-pause', { queue: '630', member: '803', state: 'off' });
    await waitFor(() => pushed((e) => e.event === 'cc_cdr' && e.agentCode === '803'), { timeoutMs: 10_000, what: "c1's cc_cdr" });
    // 806's call ended while the relay was down: its wrap-up starts when the relay is back (queue_log says when the call ended).
    await seen((m) => m.event === 'QueueMemberPause' && m.get('Interface') === 'SIP/806' && m.get('Paused') === '1', '806 paused for its wrap-up');
    await lan('queues/agent-pause', { queue: '631', member: '806', state: 'off' });
    await waitFor(() => pushed((e) => e.event === 'cc_cdr' && e.caller === '808'), { timeoutMs: 10_000, what: "c5's cc_cdr" });
    await Promise.all(calls);
    await waitFor(() => pushed((e) => e.event === 'cc_cdr' && e.caller === '800') && pushed((e) => e.event === 'dialend' && e.calleridnum === '802'), { timeoutMs: 20_000, what: 'c3 and c4 over' });
    await seen((m) => m.event === 'QueueMemberPause' && m.get('Interface') === 'SIP/804' && m.get('Paused') === '1', '804 paused after c2');
    await lan('queues/agent-pause', { queue: '630', member: '804', state: 'off' });
    await waitFor(() => pushed((e) => e.event === 'cc_cdr' && e.caller === '0612345601'), { timeoutMs: 10_000, what: "c2's cc_cdr" });
    return { received: [...receiver.received], logs: relays.flatMap((r) => r.logs), pbx: [...monitor.messages] };
  } finally {
    for (const r of relays) if (r.child.exitCode === null) await r.stop().catch(noop);
    monitor.close();
    await sim.close();
    await receiver.close();
  }
}
