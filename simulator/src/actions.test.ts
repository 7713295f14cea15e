/**
 * Every recorded action, replayed against the simulator: each answer must
 * have the recorded Response, Message, header order and list events. Where
 * the recording needed a live call, the test starts the same call first and
 * puts the real channel names into the replayed actions.
 */

import { afterEach, describe, expect, it } from 'vitest';
import type { AmiMessage } from '../../ami-codec/src/message.js';
import { startSimulator, type PbxSimulator, type SimulatorOptions } from './index.js';
import { AmiTestClient } from './testing/ami-test-client.js';
import { maskVolatile, playSession, recordedBytes, text } from './testing/raw-bytes.js';
import { countsDiff, deviceReports, eventSequence, readRecording, shapeMismatches } from './testing/recording-shapes.js';
import { outline, replay, type ReplayStep } from './testing/replay.js';
import { until } from './testing/variant-harness.js';

let sim: PbxSimulator;
let client: AmiTestClient;
afterEach(async () => {
  client?.close();
  await sim?.close();
});

async function open(options: SimulatorOptions = {}, events = 'off'): Promise<void> {
  sim = await startSimulator({ timeScale: 0.01, ...options });
  client = await AmiTestClient.connect(sim.port);
  const r = await client.login('admin', 'secret', events);
  expect(r.get('Message')).toBe('Authentication accepted');
}

function expectSameAnswers(steps: ReplayStep[]): void {
  for (const s of steps) {
    expect(s.got, `answer to ${s.sent.get('Action')}`).toBeDefined();
    expect(s.want, `recorded answer to ${s.sent.get('Action')}`).toBeDefined();
    expect(outline(s.got!), `${s.sent.get('Action')} ${s.sent.get('ActionID')}`).toEqual(outline(s.want!));
    // The same answer as bytes, read without the codec: a decoder bug cannot hide on both sides.
    expect(s.wantBytes.length).toBeGreaterThan(0);
    expect(s.gotBytes.map(maskVolatile), `bytes of the answer to ${s.sent.get('Action')} ${s.sent.get('ActionID')}`).toEqual(s.wantBytes.map(maskVolatile));
  }
}

/** Wait until `ext` has a channel in a bridge; return its name. */
function bridged(ext: string): Promise<string> {
  return until(`${ext} bridged`, () => sim.state.channels.find((c) => c.name.includes(`/${ext}-`) && c.bridgeId)?.name);
}

function withChannel(action: AmiMessage, channel: string): AmiMessage {
  const fields = [...action.fields];
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === 'Channel') fields[i + 1] = channel;
  return new (action.constructor as new (f: string[]) => AmiMessage)(fields);
}

describe('actions without a call, replayed from the recordings (Events: off)', () => {
  const plain: Array<[string, SimulatorOptions]> = [
    ['action-ping', {}],
    ['action-invalid', {}],
    ['action-missing-params', {}],
    ['action-command-misc', {}],
    ['action-db-blacklist', {}],
    ['action-extensionstatelist', {}],
    ['action-queuestatus', {}],
    ['action-sippeers', {}],
    ['pjsip/action-extensionstatelist-pjsip', { tech: 'PJSIP' }],
    ['pjsip/action-queuestatus-pjsip', { tech: 'PJSIP' }],
    ['pjsip/action-pjsip-endpoints', { tech: 'PJSIP' }],
    ['pjsip/action-pjsip-misc', { tech: 'PJSIP' }],
  ];
  for (const [name, options] of plain) {
    it(name, async () => {
      await open(options);
      expectSameAnswers(await replay(client, name));
    });

    it(`${name}: the whole session as the recording's bytes (login to Goodbye)`, async () => {
      sim = await startSimulator({ timeScale: 0.01, ...options });
      const session = await playSession(sim.port, text(recordedBytes(name, 'sent')));
      expect(maskVolatile(session)).toBe(maskVolatile(text(recordedBytes(name))));
    });
  }

  it('values of the lab inventory are the recorded ones', async () => {
    await open();
    const hints = await client.action('ExtensionStateList');
    const recorded = readRecording('action-extensionstatelist').filter((m) => m.event === 'ExtensionStatus');
    expect(hints.events.filter((e) => e.event === 'ExtensionStatus').map((e) => [e.get('Exten'), e.get('Hint'), e.get('Status'), e.get('StatusText')])).toEqual(
      recorded.map((e) => [e.get('Exten'), e.get('Hint'), e.get('Status'), e.get('StatusText')]),
    );
    const peers = await client.action('Command', { Command: 'sip show peers' });
    const want = readRecording('action-command-misc').find((m) => m.get('ActionID') === 'action-command-misc-3');
    expect(peers.response.getAll('Output')).toEqual(want?.getAll('Output'));
    const queue = await client.action('QueueStatus');
    const wantQ = readRecording('action-queuestatus').filter((m) => m.get('ActionID') === 'action-queuestatus-2' && m.event === 'QueueMember');
    expect(queue.events.filter((e) => e.event === 'QueueMember').map((e) => [e.get('Queue'), e.get('Location'), e.get('Penalty'), e.get('Status')])).toEqual(
      wantQ.map((e) => [e.get('Queue'), e.get('Location'), e.get('Penalty'), e.get('Status')]),
    );
  });

  it('PJSIP errors keep Asterisk\'s bare LF before the CRLF', async () => {
    await open({ tech: 'PJSIP' });
    await client.action('PJSIPShowEndpoint', { Endpoint: 'nosuchendpoint' });
    expect(client.raw.toString('latin1')).toContain('Message: Unable to retrieve endpoint nosuchendpoint\n\r\n\r\n');
  });

  // Bytes as manager.c's manager_modulecheck writes them (Asterisk's source): a
  // loaded module gets Success, its ActionID and an empty Version, no Message.
  it.each([
    ['SIP', 'chan_sip.so', 'chan_pjsip.so'],
    ['PJSIP', 'chan_pjsip.so', 'chan_sip'],
  ] as const)('ModuleCheck on the %s lab: %s loaded, %s not (as on Asterisk 21+ for chan_sip)', async (tech, loaded, missing) => {
    await open({ tech });
    client.raw = Buffer.alloc(0);
    const yes = await client.action('ModuleCheck', { Module: loaded });
    const no = await client.action('ModuleCheck', { Module: missing });
    expect(client.raw.toString('latin1')).toBe(
      `Response: Success\r\nActionID: ${yes.response.get('ActionID')}\r\nVersion: \r\n\r\n` +
        `Response: Error\r\nActionID: ${no.response.get('ActionID')}\r\nMessage: Module not loaded\r\n\r\n`,
    );
  });

  it('SIPshowpeer for an unknown peer ends with chan_sip\'s extra CRLF', async () => {
    await open();
    await client.action('SIPshowpeer', { Peer: 'nosuchpeer' });
    expect(client.raw.toString('latin1')).toContain('Message: Peer nosuchpeer not found.\r\n\r\n\r\n');
  });
});

describe('queue member actions (Events: on)', () => {
  it('action-queue-pause-add-remove', async () => {
    await open({}, 'on');
    expectSameAnswers(await replay(client, 'action-queue-pause-add-remove'));
    await client.action('Ping');
    const recorded = readRecording('action-queue-pause-add-remove');
    expect(eventSequence(client.messages)).toEqual(eventSequence(recorded));
    expect(deviceReports(client.messages)).toEqual(deviceReports(recorded));
    expect(shapeMismatches(client.messages, recorded)).toEqual([]);
  });
});

describe('actions during calls, replayed from the recordings', () => {
  for (const [name, options] of [
    ['action-coreshowchannels-active-call', {}],
    ['pjsip/action-coreshowchannels-pjsip', { tech: 'PJSIP' as const }],
  ] as const) {
    it(name, async () => {
      await open(options);
      let calls = 0;
      const steps = await replay(client, name, async (action) => {
        if (action.get('Action') === 'CoreShowChannels' && calls++ === 1) {
          void sim.call('801', '802', { talkMs: Infinity });
          await bridged('801');
          await bridged('802');
        }
      });
      expectSameAnswers(steps);
      const list = steps[1].got!.events.filter((e) => e.event === 'CoreShowChannel');
      expect(list.map((e) => e.get('Application'))).toEqual(['AppDial', 'Dial']);
    });
  }

  for (const [name, options] of [
    ['action-hangup', {}],
    ['pjsip/action-hangup-pjsip', { tech: 'PJSIP' as const }],
  ] as const) {
    it(name, async () => {
      await open(options, 'on');
      const call = sim.call('801', '802', { talkMs: Infinity });
      const callee = await bridged('802');
      const steps = await replay(client, name, (action) => (action.get('Channel')?.match(/-0000/) ? withChannel(action, callee) : undefined));
      expectSameAnswers(steps);
      await call;
      await client.action('Ping');
      const recorded = readRecording(name);
      expect(countsDiff(client.messages, recorded)).toEqual([]);
      expect(deviceReports(client.messages)).toEqual(deviceReports(recorded));
      expect(shapeMismatches(client.messages, recorded)).toEqual([]);
    });
  }

  it('action-redirect: the redirected caller plays 602, 802 is hung up', async () => {
    await open({}, 'on');
    const call = sim.call('801', '802', { talkMs: Infinity });
    const caller = await bridged('801');
    const steps = await replay(client, 'action-redirect', async (action) => {
      if (action.get('Action') === 'Hangup') {
        await until('801 waiting in 602', () => sim.state.channels.find((c) => c.name === caller && c.application === 'Wait'));
        return withChannel(action, caller);
      }
      if (action.get('Channel') !== 'SIP/801-ffffffff') return withChannel(action, caller);
      return undefined;
    });
    expectSameAnswers(steps);
    await call;
    await client.action('Ping');
    const recorded = readRecording('action-redirect');
    expect(countsDiff(client.messages, recorded)).toEqual([]);
    expect(deviceReports(client.messages)).toEqual(deviceReports(recorded));
    expect(shapeMismatches(client.messages, recorded)).toEqual([]);
  });

  for (const [name, options] of [
    ['action-originate-click-to-call', {}],
    ['pjsip/action-originate-click-to-call-pjsip', { tech: 'PJSIP' as const }],
  ] as const) {
    it(name, async () => {
      await open(options, 'on');
      const steps = await replay(client, name, async (action) => {
        if (action.get('Action') === 'Hangup') await bridged('802');
      });
      expectSameAnswers(steps);
      await until('call over', () => sim.state.channels.length === 0 || undefined);
      await client.action('Ping');
      const recorded = readRecording(name);
      expect(countsDiff(client.messages, recorded)).toEqual([]);
      expect(deviceReports(client.messages)).toEqual(deviceReports(recorded));
      expect(shapeMismatches(client.messages, recorded)).toEqual([]);
      const ok = client.messages.find((m) => m.event === 'OriginateResponse');
      expect(ok?.get('Response')).toBe('Success');
      expect(ok?.get('Reason')).toBe('4');
      expect(ok?.get('Uniqueid')).toBe('c2c-0001-aaaa');
    });
  }

  it('action-originate-chanspy: a supervisor spies on 802 and is hung up', async () => {
    await open({}, 'on');
    const call = sim.call('801', '802', { talkMs: Infinity });
    const caller = await bridged('801');
    let spyer = '';
    const steps = await replay(client, 'action-originate-chanspy', async (action) => {
      if (action.get('Channel') === 'SIP/800-00000035') {
        await client.waitFor(() => client.messages.find((m) => m.event === 'ChanSpyStart'));
        spyer = sim.state.channels.find((c) => c.name.startsWith('SIP/800-'))?.name ?? '';
        return withChannel(action, spyer);
      }
      if (action.get('Channel') === 'SIP/801-00000033') return withChannel(action, caller);
      return undefined;
    });
    expectSameAnswers(steps);
    await call;
    await until('call over', () => sim.state.channels.length === 0 || undefined);
    await client.action('Ping');
    const recorded = readRecording('action-originate-chanspy');
    expect(countsDiff(client.messages, recorded)).toEqual([]);
    expect(deviceReports(client.messages)).toEqual(deviceReports(recorded));
    expect(shapeMismatches(client.messages, recorded)).toEqual([]);
  });

  it('action-originate-failure: unregistered, busy, no answer, then a synchronous Originate', async () => {
    await open({}, 'on');
    let n = 0;
    const steps = await replay(client, 'action-originate-failure', async (action) => {
      if (action.get('Action') !== 'Originate') return;
      // One attempt at a time, as the recorder did.
      const done = n++;
      await client.waitFor(() => client.messages.filter((m) => m.event === 'OriginateResponse').length >= done || undefined);
      await until('previous attempt over', () => sim.state.channels.length === 0 || undefined);
    });
    expectSameAnswers(steps);
    await until('call over', () => sim.state.channels.length === 0 || undefined);
    await client.action('Ping');
    const recorded = readRecording('action-originate-failure');
    expect(countsDiff(client.messages, recorded)).toEqual([]);
    expect(deviceReports(client.messages)).toEqual(deviceReports(recorded));
    expect(shapeMismatches(client.messages, recorded)).toEqual([]);
    const reasons = client.messages.filter((m) => m.event === 'OriginateResponse').map((m) => [m.get('Response'), m.get('Reason')]);
    expect(reasons).toEqual([
      ['Failure', '0'],
      ['Failure', '5'],
      ['Failure', '3'],
    ]);
  });
});
