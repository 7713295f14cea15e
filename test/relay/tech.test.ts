/**
 * `[ami] tech` against the PBX simulator running as a chan_pjsip Asterisk
 * with no chan_sip (what every Asterisk from 21 on is; ModuleCheck answers
 * as manager.c does): left unset, the relay detects PJSIP after login and the
 * box API speaks PJSIP; set to SIP, it is refused with one clear log line,
 * /readyz says why, and commands answer 503 with the reason instead of
 * Asterisk's "Invalid/unknown command: SIPpeers" and misleading 404s.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Relay } from '../../edge-relay/src/relay.js';
import { startSimulator, type PbxSimulator } from '../../simulator/src/index.js';
import { boxClient } from '../helpers/box-world.js';
import { captureLog } from '../helpers/log-capture.js';
import { scrape } from '../helpers/prom-text.js';
import { expectedConf, setConf, startTestRelay } from '../helpers/relay-harness.js';
import { waitFor } from '../helpers/wait.js';

let sim: PbxSimulator | undefined;
let relay: Relay | undefined;
afterEach(async () => {
  await relay?.stop();
  await sim?.close();
  relay = sim = undefined;
});

/** A relay on the simulator; `tech` undefined leaves the setting out of api.conf. */
async function world(pbx: 'SIP' | 'PJSIP', tech: string | undefined) {
  sim = await startSimulator({ port: 0, tech: pbx, timeScale: 0.01 });
  let conf = setConf(expectedConf('api-pjsip.conf'), 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: '' });
  conf = setConf(conf, 'ami', { port: sim.port, timeout_ms: 1500 });
  conf = conf.replace(/^tech = .*\n/m, tech === undefined ? '' : `tech = ${tech}\n`);
  const log = captureLog('info');
  relay = await startTestRelay(conf, { logger: log.logger });
  const health = `http://127.0.0.1:${relay.health!.port}`;
  const readyz = async () => {
    const res = await fetch(`${health}/readyz`);
    return { status: res.status, body: (await res.json()) as any };
  };
  return { log, health, readyz, box: boxClient(`http://127.0.0.1:${relay.lan.port}/coocenter-api`) };
}

describe('[ami] tech', () => {
  it('unset, on an Asterisk without chan_sip: detected as PJSIP, and the box API speaks PJSIP', async () => {
    const { log, readyz, box } = await world('PJSIP', undefined);
    const ready = await waitFor(async () => ((await readyz()).status === 200 ? readyz() : undefined), { what: 'ready' });
    expect(ready.body.ami).toEqual({ ok: true, state: 'ready', tech: 'PJSIP' });
    expect(log.lines.find((l) => l.msg === 'channel driver detected')).toMatchObject({ level: 'info', tech: 'PJSIP' });
    const status = await box('GET', '/extensions/extension-status');
    expect(status.status).toBe(200);
    expect(new Set(status.body.data.map((r: { Type: string }) => r.Type))).toEqual(new Set(['PJSIP']));
    // QueueAdd of a PJSIP device, as the chan_pjsip lab's queue lists it.
    expect((await box('POST', '/queues/agent-login', { extension: '808', queue: '631' })).body.message).toBe('login extension success');
    expect((await box('GET', '/queues/queue-info')).body.data['631'].map((m: { name: string }) => m.name)).toContain('pjsip/808');
  });

  it('unset, on a chan_sip Asterisk: SIP, as before', async () => {
    const { readyz, box } = await world('SIP', undefined);
    await waitFor(async () => (await readyz()).status === 200, { what: 'ready' });
    expect((await readyz()).body.ami.tech).toBe('SIP');
    const status = await box('GET', '/extensions/extension-status');
    expect(new Set(status.body.data.map((r: { Type: string }) => r.Type))).toEqual(new Set(['SIP']));
  });

  it('tech = SIP on an Asterisk without chan_sip: refused in one log line, /readyz says why, commands answer 503 with it', async () => {
    const { log, health, readyz, box } = await world('PJSIP', 'SIP');
    const reason = '[ami] tech = SIP, but Asterisk has no chan_sip loaded (Asterisk 21 and later have none); chan_pjsip is loaded: set tech = PJSIP, or remove tech to detect it';
    const line = await log.waitFor(reason);
    expect(line).toMatchObject({ level: 'error', component: 'ami' });
    const r = await readyz();
    expect(r).toEqual({ status: 503, body: { ami: { ok: false, state: 'ready', reason }, tunnel: { ok: true, state: 'not configured' } } });
    // Logged in (events still flow), but not ready for commands.
    const m = await scrape(health);
    expect([m.value('coocenter_relay_ami_connected'), m.value('coocenter_relay_ami_ready')]).toEqual([1, 0]);
    for (const [method, path, form] of [
      ['GET', '/extensions/extension-status', undefined],
      ['POST', '/queues/agent-login', { extension: '808', queue: '631' }],
    ] as const) {
      const answer = await box(method, path, form);
      expect([answer.status, answer.body]).toEqual([503, { status: 'error', message: `PBX unavailable: ${reason}` }]);
    }
    // A new login (Asterisk restarted) finds the same: nothing new is logged.
    const before = relay!.amiReadiness.state.change;
    sim!.dropConnections();
    // Lost (one change), then refused again (another).
    await waitFor(() => relay!.ami.connected && relay!.amiReadiness.state.reason === reason && relay!.amiReadiness.state.change >= before + 2, { what: 'logged in again' });
    expect(log.lines.filter((l) => l.msg === reason)).toHaveLength(1);
  });
});
