/**
 * Idempotency-Key through the cloud, on both runtimes, with a real relay on a
 * fake AMI: a repeat gets the first run's answer with `Idempotent-Replayed:
 * true` and Asterisk sees one Originate; the same key reused for another
 * command, or for the same command with other fields, is a 422 and runs
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../edge-relay/src/relay.js';
import { startBusyPbx } from '../helpers/busy-pbx.js';
import { api, tenantAndSite, type Api } from '../helpers/cloud-harness.js';
import type { FakeAmi } from '../helpers/fake-ami.js';
import { expectedConf, setConf, startTestRelay } from '../helpers/relay-harness.js';
import { cloudRuntimes, type RunningCloud } from '../helpers/runtimes.js';
import { waitFor } from '../helpers/wait.js';

describe.each(cloudRuntimes)('Idempotency-Key through $name', (runtime) => {
  let cloud: RunningCloud;
  let relay: Relay;
  let pbx: FakeAmi;
  let call: Api;
  let ids: Awaited<ReturnType<typeof tenantAndSite>>;

  beforeAll(async () => {
    cloud = await runtime.start();
    call = api(cloud.url);
    ids = await tenantAndSite(call);
    pbx = await startBusyPbx(0);
    let conf = expectedConf('api.conf');
    conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: '' });
    conf = setConf(conf, 'ami', { port: pbx.port });
    conf = setConf(conf, 'cloud', { url: cloud.relayUrl, token: ids.relayToken });
    relay = await startTestRelay(conf);
    await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.amiConnected, { what: 'relay online' });
  });
  afterAll(async () => {
    await relay?.stop();
    await pbx?.close();
    await cloud?.stop();
  });

  const actions = (name: string) => pbx.sessions.flatMap((s) => s.actions).filter((a) => a.get('Action') === name).length;
  const box = (path: string, form: Record<string, string>, key: string) =>
    call('POST', `/sites/${ids.siteId}/coocenter-api${path}`, { token: ids.apiKey, form, headers: { 'idempotency-key': key } });

  it('a repeat is answered from memory and says so; the first answer does not', async () => {
    const first = await box('/extensions/click-number', { src: '801', dst: '802' }, 'crm-click-1');
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await box('/extensions/click-number', { src: '801', dst: '802' }, 'crm-click-1');
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(actions('Originate')).toBe(1);
  });

  it('the key reused with other fields or another command is a 422, and nothing runs', async () => {
    expect((await box('/extensions/click-number', { src: '801', dst: '802' }, 'crm-click-2')).status).toBe(200);
    const originates = actions('Originate');
    const otherFields = await box('/extensions/click-number', { src: '801', dst: '803' }, 'crm-click-2');
    expect(otherFields.status).toBe(422);
    expect(otherFields.body).toEqual({ status: 'error', message: 'this Idempotency-Key was already used with a different command or fields: use a new key for a new request' });
    const pauses = actions('QueuePause');
    const otherCommand = await box('/queues/agent-pause', { queue: '500', member: '801', state: 'on' }, 'crm-click-2');
    expect(otherCommand.status, otherCommand.text).toBe(422);
    expect(actions('Originate')).toBe(originates);
    expect(actions('QueuePause')).toBe(pauses);
    // A new key for the new request runs it.
    expect((await box('/extensions/click-number', { src: '801', dst: '803' }, 'crm-click-3')).status).toBe(200);
    expect(actions('Originate')).toBe(originates + 1);
  });
});
