/**
 * A relay connected to a cloud, on a PBX that says only what the test makes
 * it say (every AMI action answered Success): for tests of what the cloud
 * does with events, which need events with known content and seqs.
 */
import type { Relay } from '../../edge-relay/src/relay.js';
import { frame, startFakeAmi, type FakeAmi } from './fake-ami.js';
import { expectedConf, setConf, startTestRelay } from './relay-harness.js';
import { waitFor } from './wait.js';

export interface QuietPbx {
  relay: Relay;
  pbx: FakeAmi;
  /** Send AMI text on the relay's session. */
  say(text: string): void;
  /** Events acked by the cloud so far. */
  acked(): number;
  stop(): Promise<void>;
}

/** An ExtensionStatus event: the relay turns it into one `extensionstatus`, of no call. */
export const extensionStatus = (exten: number) =>
  frame([['Event', 'ExtensionStatus'], ['Privilege', 'call,all'], ['Exten', String(exten)], ['Context', 'c'], ['Hint', 'SIP/x'], ['Status', '0'], ['StatusText', 'Idle']]);

export async function relayOnQuietPbx(cloudUrl: string, relayToken: string): Promise<QuietPbx> {
  const pbx = await startFakeAmi((a, s) => s.reply(a, [['Response', 'Success']]));
  let conf = setConf(expectedConf('api.conf'), 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: '' });
  conf = setConf(conf, 'ami', { port: pbx.port });
  conf = setConf(conf, 'cloud', { url: cloudUrl, token: relayToken });
  const relay = await startTestRelay(conf);
  await relay.ami.waitReady();
  await waitFor(() => relay.tunnel!.connected, { what: 'the relay connected to the cloud' });
  return {
    relay,
    pbx,
    say: (text) => pbx.sessions[pbx.sessions.length - 1].send(text),
    acked: () => relay.spool.cursor('cloud'),
    async stop() {
      await relay.stop();
      await pbx.close();
    },
  };
}
