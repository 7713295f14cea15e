/**
 * Each call scenario against its real Asterisk recording: the same events in
 * the same order (device-state reports as a multiset, they are racy in
 * Asterisk), and the same headers in the same order for every event type,
 * both as decoded and as read from the bytes.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type PbxSimulator, type SimulatorOptions } from './index.js';
import { AmiTestClient } from './testing/ami-test-client.js';
import { rawShapeMismatches, text } from './testing/raw-bytes.js';
import { countsDiff, deviceReports, eventSequence, readRecording, shapeMismatches } from './testing/recording-shapes.js';

let sim: PbxSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** Run `drive` against a fresh simulator with one Events:on session; return the session, with all it received. */
async function observe(options: SimulatorOptions, drive: (s: PbxSimulator, c: AmiTestClient) => Promise<unknown>): Promise<AmiTestClient> {
  sim = await startSimulator({ timeScale: 0.01, ...options });
  const client = await AmiTestClient.connect(sim.port);
  await client.login();
  await drive(sim, client);
  // A Ping round trip flushes everything the scenario wrote before it.
  await client.action('Ping');
  client.close();
  return client;
}

function expectLike(session: AmiTestClient, recording: string, mode: 'sequence' | 'counts' = 'sequence'): void {
  const actual = session.messages;
  const recorded = readRecording(recording);
  if (mode === 'sequence') expect(eventSequence(actual)).toEqual(eventSequence(recorded));
  else expect(countsDiff(actual, recorded)).toEqual([]);
  expect(deviceReports(actual)).toEqual(deviceReports(recorded));
  expect(shapeMismatches(actual, recorded)).toEqual([]);
  // The same shapes read from the bytes, without the codec: a decoder bug cannot hide on both sides.
  expect(rawShapeMismatches(text(session.raw), recording)).toEqual([]);
}

describe('chan_sip call scenarios match the recordings', () => {
  it('call-answered-basic: 801 calls 802, answered, caller hangs up', async () => {
    const got = await observe({}, (s) => s.call('801', '802'));
    expectLike(got, 'call-answered-basic');
  });

  it('call-busy: 805 answers 486 Busy Here', async () => {
    const got = await observe({}, (s) => s.call('801', '805'));
    expectLike(got, 'call-busy');
  });

  it('call-noanswer: 806 rings until the Dial timeout', async () => {
    const got = await observe({}, (s) => s.call('801', '806'));
    expectLike(got, 'call-noanswer');
  });

  it('queue-answered: 803 rings out, 804 answers, caller hangs up', async () => {
    const got = await observe({}, (s) => s.queueCall('801', '630'));
    expectLike(got, 'queue-answered');
  });

  it('ivr-dtmf-rfc2833: menu, invalid key, account number into AstDB', async () => {
    const got = await observe({}, (s) => s.ivrCall('801', '921234#'));
    expectLike(got, 'ivr-dtmf-rfc2833');
    expect(sim?.state.astdb.ivr_accounts?.['801']).toBe('1234');
  });

  it('trunk-outbound: 0 + number through the provider, which hangs up', async () => {
    const got = await observe({}, (s) => s.trunkOutbound('801', '0049301234567'));
    expectLike(got, 'trunk-outbound');
  });

  it('peer-register-unregister: 807 registers, then expires', async () => {
    const got = await observe({}, async (s) => {
      await s.register('807');
      await s.unregister('807');
    });
    expectLike(got, 'peer-register-unregister');
  });
});

describe('chan_pjsip call scenarios match the PJSIP recordings', () => {
  it('call-answered-pjsip', async () => {
    const got = await observe({ tech: 'PJSIP' }, (s) => s.call('801', '802'));
    expectLike(got, 'pjsip/call-answered-pjsip');
  });

  it('queue-answered-pjsip', async () => {
    const got = await observe({ tech: 'PJSIP' }, (s) => s.queueCall('801', '630'));
    expectLike(got, 'pjsip/queue-answered-pjsip', 'counts');
  });

  it('peer-register-unregister-pjsip', async () => {
    const got = await observe({ tech: 'PJSIP' }, async (s) => {
      await s.register('807');
      await s.unregister('807');
    });
    expectLike(got, 'pjsip/peer-register-unregister-pjsip');
  });
});
