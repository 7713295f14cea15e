/**
 * Every real AMI recording, replayed over TCP into a running relay; the JSON
 * the relay pushes to a LAN receiver must equal the hand-written expectations
 * in test/fixtures/expected (see its README for how they were derived).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Relay } from '../../edge-relay/src/relay.js';
import { expectedConf, setConf, startTestRelay } from '../helpers/relay-harness.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { FIXTURES } from '../helpers/recordings.js';
import { startReplay, type ReplayServer } from '../helpers/replay-ami.js';
import { waitFor } from '../helpers/wait.js';

interface Expected {
  recording: string;
  config: 'api.conf' | 'api-pjsip.conf';
  events: Array<Record<string, unknown>>;
}

const EXPECTED_DIR = join(FIXTURES, 'expected');
const files = [
  ...readdirSync(EXPECTED_DIR).filter((f) => f.endsWith('.json')),
  ...readdirSync(join(EXPECTED_DIR, 'pjsip')).map((f) => `pjsip/${f}`),
].sort();

/** Fields that come from the relay's clock when Asterisk sends no Timestamp (see the README). */
const CLOCK_FIELDS: Record<string, string[]> = {
  ivr: ['startTime', 'endTime', 'duration'],
  cc_cdr: ['startTime', 'endTime', 'duration', 'ivrTime', 'holdTime', 'feedbackTime', 'pauseTime'],
};

function withoutClock(e: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...e };
  delete copy.timestamp;
  for (const f of CLOCK_FIELDS[e.event as string] ?? []) delete copy[f];
  return copy;
}

let relay: Relay | undefined;
let receiver: Receiver | undefined;
let replay: ReplayServer | undefined;

afterEach(async () => {
  await relay?.stop();
  await receiver?.close();
  await replay?.close();
  relay = receiver = replay = undefined;
});

async function replayInto(expected: Expected, timestamps: boolean) {
  const pjsip = expected.config === 'api-pjsip.conf';
  replay = await startReplay({ recording: expected.recording, timestamps, tech: pjsip ? 'PJSIP' : 'SIP' });
  receiver = await startReceiver();
  let conf = expectedConf(expected.config);
  conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: receiver.url });
  conf = setConf(conf, 'ami', { port: replay.port });
  relay = await startTestRelay(conf);
  await replay.done;
  const r = relay;
  await waitFor(() => r.mapper.messages >= replay!.events.length, { what: 'all events mapped' });
  await r.spool.flush();
  await waitFor(() => r.pusher!.backlog === 0, { what: 'all events pushed' });
  return receiver.events();
}

describe('replaying the real recordings into the relay', () => {
  it('has an expectation for every recording made with events on', () => {
    expect(files.length).toBeGreaterThanOrEqual(22);
  });

  for (const file of files) {
    const expected: Expected = JSON.parse(readFileSync(join(EXPECTED_DIR, file), 'utf8'));
    if (file.startsWith('pjsip/') && !expected.recording.startsWith('pjsip/')) expected.recording = `pjsip/${expected.recording}`;

    it(`${expected.recording}: pushes exactly the expected events (Timestamp headers: lab times)`, async () => {
      const got = await replayInto(expected, true);
      expect(got).toEqual(expected.events);
    });

    it(`${expected.recording}: pushes the same events without Timestamp headers, clock fields aside`, async () => {
      const got = await replayInto(expected, false);
      expect(got.map(withoutClock)).toEqual(expected.events.map(withoutClock));
      // The receive clock still yields well-formed values.
      for (const e of got) expect(String(e.timestamp)).toMatch(/^\d+\.\d{6}$/);
    });
  }
});
