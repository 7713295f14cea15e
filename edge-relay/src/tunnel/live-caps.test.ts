/**
 * Live state rides the tunnel only when both ends name `live-state`: the
 * relay in its hello, the cloud in its welcome. A cloud older than it (a
 * welcome without caps) never gets a state frame; one that names it gets a
 * snapshot at once, deltas after, and a snapshot again when it asks.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AmiMessage } from '../../../ami-codec/src/message.js';
import { ManualClock } from '../../../protocol/src/clock.js';
import { startCloudPeer, type CloudPeer } from '../../../test/helpers/cloud-peer.js';
import { quietLogger, tempDir } from '../../../test/helpers/relay-harness.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { AmiClient } from '../ami/client.js';
import { Spool } from '../events/spool.js';
import { LiveTracker } from '../live/tracker.js';
import { AmiPbx } from '../pbx/ami-pbx.js';
import { CommandRunner } from './commands.js';
import { IdempotencyStore } from './idempotency.js';
import { LiveUplink } from './live-uplink.js';
import { TunnelSupervisor } from './supervisor.js';
import { CLOUD_CONSUMER, Uplink } from './uplink.js';

let stops: Array<() => unknown> = [];
afterEach(async () => {
  for (const s of stops.reverse()) await s();
  stops = [];
});

async function setUp(caps?: string[]) {
  const peer: CloudPeer = await startCloudPeer();
  if (caps) Object.assign(peer.welcome, { caps });
  const clock = new ManualClock(0);
  const spool = new Spool({ dir: tempDir('live-caps-'), consumers: [CLOUD_CONSUMER] });
  const uplink = new Uplink({ spool, clock, logger: quietLogger });
  const ami = new AmiClient({ host: '127.0.0.1', port: 1, username: 'u', secret: 's', clock });
  const pbx = new AmiPbx(ami, { tech: 'SIP', context: 'from-internal', blacklistFamily: 'blacklist', monitorDir: '/tmp', timeoutMs: 1000 });
  const runner = new CommandRunner({ pbx, idempotency: new IdempotencyStore(join(tempDir('idem-'), 'keys.jsonl'), clock), clock, logger: quietLogger });
  const tracker = new LiveTracker();
  const live = new LiveUplink({ source: tracker, clock, logger: quietLogger });
  const sup = new TunnelSupervisor({ url: peer.url, token: 'rt.site_test.secret', uplink, live, runner, relayVersion: 'relay-test/1', ami: () => ({ amiConnected: true, amiChange: 0 }), clock, logger: quietLogger });
  stops.push(() => peer.close(), () => spool.close(), () => uplink.stop(), () => sup.stop());
  const change = (exten: string, status: string) => {
    tracker.apply(new AmiMessage(['Event', 'ExtensionStatus', 'Exten', exten, 'Status', status]), clock.now());
    live.changed();
  };
  sup.start();
  const sock = await peer.socket(1);
  await waitFor(() => sup.connected, { what: 'tunnel up' });
  return { sock, clock, change };
}

describe('live state and the capability handshake', () => {
  it('a relay names live-state in its hello; a cloud that does not (an older one) never gets state frames', async () => {
    const { sock, clock, change } = await setUp();
    expect(await sock.frame('hello')).toMatchObject({ caps: ['live-state'] });
    change('801', '1');
    clock.advance(1000);
    await sock.roundTrip();
    expect(sock.frames.map((f) => f.t)).not.toContain('state');
  });

  it('a cloud that names it gets a snapshot, deltas after it, and a snapshot again on state-sync', async () => {
    const { sock, clock, change } = await setUp(['live-state']);
    expect(await sock.frame('state')).toMatchObject({ ver: 1, reset: true, changes: [] });
    change('801', '1');
    clock.advance(100);
    expect(await sock.frame('state', 1)).toMatchObject({ ver: 2, changes: [{ op: 'extension', extension: { extension: '801', status: '1' } }] });
    sock.send({ t: 'state-sync', reason: 'gap' });
    expect(await sock.frame('state', 2)).toMatchObject({ ver: 3, reset: true, changes: [{ op: 'extension' }] });
  });
});
