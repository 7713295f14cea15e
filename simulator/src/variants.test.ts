/**
 * Call scenarios the recordings do not cover, checked for Asterisk 20's
 * behaviour (app_dial, app_queue, chan_sip) and for headers: every event type
 * that also appears in some recording must have one of its recorded header
 * lists. Variants driven through AMI are in variants-ami.test.ts.
 */

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { client, closeVariant, first, names, open, settled, sim, tempDir, until } from './testing/variant-harness.js';

afterEach(closeVariant);

describe('internal call variants', () => {
  it('cancel: the caller hangs up while 802 rings (DialEnd CANCEL, CDR NO ANSWER)', async () => {
    await open();
    const r = await sim.call('801', '802', { outcome: 'cancel', ringMs: 3000 });
    expect(r.outcome).toBe('cancel');
    const evs = await settled();
    expect(first(evs, 'DialEnd')?.get('DialStatus')).toBe('CANCEL');
    expect(first(evs, 'HangupRequest')?.get('Channel')).toBe(r.channels[0]);
    expect(names(evs)).not.toContain('BridgeCreate');
    expect(first(evs, 'Cdr')?.get('Disposition')).toBe('NO ANSWER');
  });

  it('unavailable: 809 is not registered, so Dial has no DialBegin and DIALSTATUS is CHANUNAVAIL', async () => {
    await open();
    const r = await sim.call('801', '809');
    expect(r.outcome).toBe('unavailable');
    const evs = await settled();
    expect(names(evs)).not.toContain('DialBegin');
    expect(first(evs, 'VarSet', (e) => e.get('Variable') === 'DIALSTATUS' && e.get('Value') !== '')?.get('Value')).toBe('CHANUNAVAIL');
    expect(first(evs, 'Hangup')?.get('Cause')).toBe('20');
    expect(first(evs, 'Cdr')?.get('Disposition')).toBe('FAILED');
  });

  it('hold/unhold: Hold with MusicClass and Unhold on the holder, music for the other side, Hold state on the hint', async () => {
    await open();
    const r = await sim.call('801', '802', { holdMs: 2000, talkMs: 8000 });
    const evs = await settled();
    const hold = first(evs, 'Hold');
    expect(hold?.get('Channel')).toBe(r.channels[1]);
    expect(hold?.get('MusicClass')).toBe('default');
    expect(first(evs, 'MusicOnHoldStart')?.get('Channel')).toBe(r.channels[0]);
    expect(first(evs, 'ExtensionStatus', (e) => e.get('Status') === '16')?.get('StatusText')).toBe('Hold');
    const order = names(evs).filter((n) => ['Hold', 'Unhold', 'MusicOnHoldStop', 'Hangup'].includes(n));
    expect(order).toEqual(['Hold', 'Unhold', 'MusicOnHoldStop', 'Hangup', 'Hangup']);
  });

  it('callee hangs up first (808 ends its calls after 4 s)', async () => {
    await open();
    const r = await sim.call('801', '808');
    const evs = await settled();
    expect(first(evs, 'HangupRequest')?.get('Channel')).toBe(r.channels[1]);
    expect(evs.filter((e) => e.event === 'Hangup').map((e) => e.get('Channel'))).toEqual([r.channels[1], r.channels[0]]);
    const cdr = first(evs, 'Cdr');
    expect(cdr?.get('Disposition')).toBe('ANSWERED');
    expect(Number(cdr?.get('BillableSeconds'))).toBe(4);
  });

  it('a blacklisted caller hears the blocked prompt and is rejected with cause 21', async () => {
    await open();
    await client.action('DBPut', { Family: 'blacklist', Key: '801', Val: 'nuisance' });
    const r = await sim.call('801', '802');
    expect(r.outcome).toBe('rejected');
    const evs = await settled();
    expect(first(evs, 'Newexten', (e) => e.get('Application') === 'GotoIf')?.get('AppData')).toBe('1?blocked');
    expect(first(evs, 'Newexten', (e) => e.get('Application') === 'NoOp')?.get('AppData')).toBe('Internal call 801 -> 802');
    expect(first(evs, 'Hangup')?.get('Cause')).toBe('21');
    expect(names(evs)).not.toContain('DialBegin');
  });

  it('writes a small WAV into monitorDir for each recorded call, named like the lab', async () => {
    const dir = tempDir('sim-monitor-');
    await open({ monitorDir: dir });
    const r = await sim.call('801', '802');
    expect(r.recordingFile).toMatch(/^\d{8}-\d{6}-801-802-\d+\.\d+\.wav$/);
    const evs = await settled();
    expect(first(evs, 'VarSet', (e) => e.get('Variable') === 'MIXMONITOR_FILENAME')?.get('Value')).toBe(join(dir, r.recordingFile!));
    await until('file written', () => existsSync(join(dir, r.recordingFile!)));
    expect(statSync(join(dir, r.recordingFile!)).size).toBeGreaterThan(44);
  });

  it('two calls at once keep their own channels and linkedids', async () => {
    await open();
    const [a, b] = await Promise.all([sim.call('801', '802'), sim.call('800', '804', { talkMs: 3000 })]);
    expect(a.linkedid).not.toBe(b.linkedid);
    const evs = await settled();
    expect(evs.filter((e) => e.event === 'Cdr')).toHaveLength(2);
    expect(sim.state.channels).toEqual([]);
  });

  it('an AMI Redirect of the caller to another extension transfers the call', async () => {
    await open();
    const call = sim.call('801', '802', { talkMs: Infinity });
    const caller = await until('bridged', () => sim.state.channels.find((c) => c.name.startsWith('SIP/801-') && c.bridgeId)?.name);
    expect((await client.action('Redirect', { Channel: caller, Context: 'from-internal', Exten: '804', Priority: '1' })).response.get('Message')).toBe('Redirect successful');
    await until('804 bridged', () => sim.state.channels.find((c) => c.name.startsWith('SIP/804-') && c.bridgeId));
    await client.action('Hangup', { Channel: caller });
    await call;
    const evs = await settled();
    expect(evs.filter((e) => e.event === 'DialBegin').map((e) => e.get('DestCallerIDNum'))).toEqual(['802', '804']);
    expect(evs.filter((e) => e.event === 'Cdr').map((e) => e.get('DestinationChannel')?.slice(0, 8))).toEqual(['SIP/802-', 'SIP/804-']);
  });
});

describe('IVR variants', () => {
  it('SIP INFO DTMF gives DTMFEnd only', async () => {
    await open();
    await sim.ivrCall('808', '25#');
    const evs = await settled();
    expect(names(evs)).not.toContain('DTMFBegin');
    expect(evs.filter((e) => e.event === 'DTMFEnd').map((e) => e.get('Digit'))).toEqual(['2', '5', '#']);
    expect(sim.state.astdb.ivr_accounts?.['808']).toBe('5');
  });

  it('choice 3 dials the operator 802', async () => {
    await open();
    const r = await sim.ivrCall('801', '3', { then: { talkMs: 2000 } });
    expect(r.outcome).toBe('answered');
    const evs = await settled();
    expect(first(evs, 'DialBegin')?.get('DestCallerIDNum')).toBe('802');
  });
});

describe('queue variants', () => {
  it('abandoned: the caller hangs up while waiting (QueueCallerAbandon, then QueueCallerLeave)', async () => {
    await open();
    const r = await sim.queueCall('801', '630', { abandonAfterMs: 3000 });
    expect(r.outcome).toBe('abandoned');
    const evs = await settled();
    const abandon = first(evs, 'QueueCallerAbandon');
    expect(abandon?.get('Position')).toBe('1');
    expect(abandon?.get('OriginalPosition')).toBe('1');
    expect(abandon?.get('HoldTime')).toBe('3');
    const order = names(evs).filter((n) => n.startsWith('QueueCaller') || n.startsWith('Agent'));
    expect(order).toEqual(['QueueCallerJoin', 'AgentCalled', 'QueueCallerAbandon', 'QueueCallerLeave']);
    expect(first(evs, 'DialEnd')?.get('DialStatus')).toBe('CANCEL');
    expect(sim.state.queues.find((q) => q.name === '630')?.abandoned).toBe(1);
  });

  it('no agent logged in: nobody is called; the caller gives up', async () => {
    await open({ phones: { '803': { registered: false }, '804': { registered: false }, '805': { registered: false } } });
    const summary = await client.action('QueueSummary', { Queue: '630' });
    expect(summary.events[0].get('LoggedIn')).toBe('0');
    await sim.queueCall('801', '630', { abandonAfterMs: 5000 });
    const evs = await settled();
    expect(names(evs)).not.toContain('AgentCalled');
    expect(names(evs)).toContain('QueueCallerAbandon');
  });

  it('all members paused: no AgentCalled; the Queue timeout ends it with QUEUESTATUS=TIMEOUT', async () => {
    await open();
    for (const m of ['803', '804', '805']) await client.action('QueuePause', { Queue: '630', Interface: `SIP/${m}`, Paused: 'true', Reason: 'break' });
    const r = await sim.queueCall('801', '630', { maxWaitMs: 4000 });
    expect(r.outcome).toBe('timeout');
    const evs = await settled();
    expect(names(evs)).not.toContain('AgentCalled');
    expect(first(evs, 'VarSet', (e) => e.get('Variable') === 'QUEUESTATUS')?.get('Value')).toBe('TIMEOUT');
    expect(first(evs, 'Newexten', (e) => e.get('Application') === 'NoOp' && e.get('Context') === 'queues' && e.get('Priority') === '5')?.get('AppData')).toBe('QUEUESTATUS=TIMEOUT');
  });

  it('631 rings all members at once (ringall); 806 answers', async () => {
    await open();
    const r = await sim.queueCall('801', '631', { agents: { '806': 'answer' }, talkMs: 3000 });
    expect(r.agent).toBe('SIP/806');
    const evs = await settled();
    expect(first(evs, 'AgentConnect')?.get('Interface')).toBe('SIP/806');
  });

  it('agent hangs up first: AgentComplete Reason agent; member stats updated', async () => {
    await open();
    await sim.queueCall('801', '630', { hangupBy: 'agent', talkMs: 5000 });
    const evs = await settled();
    const done = first(evs, 'AgentComplete');
    expect(done?.get('Reason')).toBe('agent');
    expect(done?.get('TalkTime')).toBe('5');
    const status = await client.action('QueueStatus', { Queue: '630', Member: 'SIP/804' });
    expect(status.events.find((e) => e.event === 'QueueMember')?.get('CallsTaken')).toBe('1');
    expect(status.events.find((e) => e.event === 'QueueParams')?.get('Completed')).toBe('1');
  });

  it('QueueStatus lists a waiting caller as QueueEntry', async () => {
    await open();
    const call = sim.queueCall('801', '630', { agents: { '803': 'noanswer', '804': 'noanswer', '805': 'noanswer' }, abandonAfterMs: 20_000 });
    await until('caller queued', () => sim.state.queues.find((q) => q.name === '630')?.callers.length);
    const st = await client.action('QueueStatus', { Queue: '630' });
    expect(st.events.find((e) => e.event === 'QueueEntry')?.get('Position')).toBe('1');
    await call;
  });
});

describe('trunk inbound', () => {
  it('DID 4930555000 goes through the IVR to queue 630', async () => {
    await open();
    const r = await sim.trunkInbound('0049301234567', '4930555000', { ivr: { digits: '1' }, queue: { talkMs: 3000 } });
    expect(r.channels[0]).toMatch(/^SIP\/trunk-provider-[0-9a-f]{8}$/);
    expect(r.agent).toBe('SIP/804');
    const evs = await settled();
    expect(first(evs, 'Newchannel')?.get('CallerIDNum')).toBe('0049301234567');
    expect(first(evs, 'Newchannel')?.get('Context')).toBe('from-trunk');
    expect(first(evs, 'VarSet', (e) => e.get('Variable') === '__DID')?.get('Value')).toBe('4930555000');
    expect(first(evs, 'QueueCallerJoin')?.get('Queue')).toBe('630');
  });

  it('DID 4930555630 goes straight to the queue, 4930555802 rings extension 802', async () => {
    await open();
    await sim.trunkInbound('0049301234567', '4930555630', { queue: { talkMs: 2000 } });
    const r = await sim.trunkInbound('0049301234567', '4930555802', { talkMs: 2000 });
    expect(r.outcome).toBe('answered');
    await settled();
  });

  it('an unknown DID is refused without a channel', async () => {
    await open();
    const r = await sim.trunkInbound('0049301234567', '4930555999');
    expect(r.outcome).toBe('rejected');
    expect(r.channels).toEqual([]);
  });

  it('a blacklisted caller number is answered, told off and hung up with cause 21', async () => {
    await open();
    await client.action('DBPut', { Family: 'blacklist', Key: '0049301234567', Val: '1' });
    const r = await sim.trunkInbound('0049301234567', '4930555000');
    expect(r.outcome).toBe('rejected');
    const evs = await settled();
    expect(first(evs, 'Hangup')?.get('Cause')).toBe('21');
  });
});
