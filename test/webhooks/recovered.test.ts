/**
 * What the relay made after not listening travels marked, on every path: a
 * call that ended while AMI was down (closed at the reconnect with what was
 * known) and an extension state that changed meanwhile reach the LAN receiver
 * with `x-coocenter-recovered: 1` (and `x-coocenter-partial: 1` where fields
 * are unknown), and the tenant's webhook with `recovered: true` (and
 * `partial: true`) in the envelope; live events carry neither.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import type { Relay } from '../../edge-relay/src/relay.js';
import { typedApi, validatedApi } from '../helpers/api-document.js';
import { startTestCloud, tenantAndSite } from '../helpers/cloud-harness.js';
import { Scenario, wire, type ChannelRef } from '../helpers/ami-scenario.js';
import { listReply } from '../helpers/busy-pbx.js';
import { frame, startFakeAmi, type FakeAmi } from '../helpers/fake-ami.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { expectedConf, setConf, startTestRelay } from '../helpers/relay-harness.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

let cloud: LocalCloud | undefined;
let relay: Relay | undefined;
let pbx: FakeAmi | undefined;
let lan: Receiver | undefined;
let hook: WebhookReceiver | undefined;

afterEach(async () => {
  await relay?.stop();
  await pbx?.close();
  await lan?.close();
  await hook?.close();
  await cloud?.stop();
  relay = pbx = lan = hook = cloud = undefined;
});

const hint = (status: string, text: string): Array<[string, string]> => [
  ['Event', 'ExtensionStatus'],
  ['Exten', '801'],
  ['Context', 'from-internal'],
  ['Hint', 'SIP/801'],
  ['Status', status],
  ['StatusText', text],
];

describe('events made after an outage, marked on the LAN and in webhooks', () => {
  it('recovered (and partial) in the LAN headers and the webhook envelope; live events carry neither', async () => {
    cloud = await startTestCloud();
    const call = validatedApi(cloud.url);
    const ids = await tenantAndSite(call);
    hook = await startWebhookReceiver();
    // Through the typed client (client/), the answer held to the API document.
    const created = await typedApi(cloud.url, ids.apiKey).POST('/v1/tenants/{tenantId}/webhooks', {
      params: { path: { tenantId: ids.tenantId } },
      body: { url: hook.url, events: ['hangup', 'extensionstatus'] },
    });
    expect(created.response.status).toBe(201);
    lan = await startReceiver();
    // First session: 801 busy. The second (after the drop): 801 idle, no channel up.
    pbx = await startFakeAmi((a, s) => {
      const id = a.get('ActionID')!;
      const action = a.get('Action')!;
      const second = pbx!.sessions.indexOf(s) > 0;
      if (action === 'ExtensionStateList') s.send(listReply(id, action, [second ? hint('0', 'Idle') : hint('1', 'InUse')]));
      else if (['QueueStatus', 'CoreShowChannels', 'Status'].includes(action)) s.send(listReply(id, action, []));
      else s.reply(a, [['Response', 'Success']]);
    });
    let conf = expectedConf('api.conf');
    conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: lan.url });
    conf = setConf(conf, 'ami', { port: pbx.port });
    conf = setConf(conf, 'cloud', { url: cloud.url, token: ids.relayToken });
    relay = await startTestRelay(conf);
    const r = relay;
    await waitFor(() => r.mapper.extensionStates.get('801')?.status === '1', { what: 'the first snapshot' });
    // A call comes up (live), then AMI drops and the call ends unseen.
    const s = new Scenario(Math.floor(Date.now() / 1000));
    const caller: ChannelRef = { channel: 'SIP/801-00000040', uniqueid: `${s.t}.70`, linkedid: `${s.t}.70`, num: '801' };
    const live = frame([...hint('2', 'Busy'), ['Privilege', 'call,all']]);
    pbx.sessions[0].send(live + wire(s.newchannel(caller)));
    await waitFor(() => lan!.events().some((e) => e.event === 'extensionstatus' && e.status === '2'), { what: 'the live event' });
    await waitFor(() => r.mapper.stats.channels === 1, { what: 'the call known' });
    pbx.sessions[0].close();
    await waitFor(() => pbx!.sessions.length === 2 && lan!.events().some((e) => e.event === 'hangup'), { what: 'the call closed after the reconnect' });
    await waitFor(() => lan!.events().some((e) => e.event === 'extensionstatus' && e.status === '0'), { what: 'the state that changed meanwhile' });

    const received = lan.received;
    const closedCall = received.find((x) => x.body.event === 'hangup')!;
    expect([closedCall.headers['x-coocenter-recovered'], closedCall.headers['x-coocenter-partial']]).toEqual(['1', '1']);
    const missedState = received.find((x) => x.body.event === 'extensionstatus' && x.body.status === '0')!;
    expect([missedState.headers['x-coocenter-recovered'], missedState.headers['x-coocenter-partial']]).toEqual(['1', undefined]);
    const liveState = received.find((x) => x.body.event === 'extensionstatus' && x.body.status === '2')!;
    expect([liveState.headers['x-coocenter-recovered'], liveState.headers['x-coocenter-partial']]).toEqual([undefined, undefined]);

    await hook.waitForCount(3, 20_000);
    const envelope = (pred: (d: Record<string, any>) => boolean) => hook!.deliveries.map((d) => d.body).find((b) => pred(b.data));
    expect(envelope((d) => d.event === 'hangup')).toMatchObject({ type: 'hangup', recovered: true, partial: true, data: closedCall.body });
    const missed = envelope((d) => d.event === 'extensionstatus' && d.status === '0');
    expect(missed).toMatchObject({ recovered: true, data: missedState.body });
    expect(missed.partial).toBeUndefined();
    const plain = envelope((d) => d.event === 'extensionstatus' && d.status === '2');
    expect(Object.keys(plain)).toEqual(['id', 'type', 'siteId', 'seq', 'occurredAt', 'data']);
  });
});
