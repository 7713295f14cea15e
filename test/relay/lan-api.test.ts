/**
 * The 16 box endpoints on the relay's LAN API, through HTTP, against the PBX
 * simulator speaking AMI over TCP. Expected bodies follow the box's spec and
 * the lab's recorded answers (action-sippeers, action-extensionstatelist,
 * action-queuestatus, action-pjsip-endpoints), read by hand.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { calendarDate, webkeyToken } from '../../protocol/src/box-api/webkey.js';
import { rawGet } from '../helpers/cloud-harness.js';
import { boxClient, callUp, LAB_QUEUES, startBoxWorld, type BoxClient, type BoxWorld } from '../helpers/box-world.js';
import { waitFor } from '../helpers/wait.js';

const LAB_PEERS = [
  ['800', '127.0.0.1', 'OK (1 ms)'],
  ['801', '127.0.0.1', 'OK (1 ms)'],
  ['802', '127.0.0.1', 'OK (1 ms)'],
  ['803', '127.0.0.1', 'OK (1 ms)'],
  ['804', '127.0.0.1', 'OK (1 ms)'],
  ['805', '127.0.0.1', 'OK (1 ms)'],
  ['806', '127.0.0.1', 'OK (1 ms)'],
  ['807', '-none-', 'UNKNOWN'],
  ['808', '127.0.0.1', 'OK (1 ms)'],
  ['809', '-none-', 'UNKNOWN'],
  ['trunk-provider', '127.0.0.1', 'Unmonitored'],
];

/** Hint order and states of action-extensionstatelist (807 and 809 unregistered). */
const LAB_HINTS = [
  ['809', '4'],
  ['808', '0'],
  ['805', '0'],
  ['804', '0'],
  ['807', '4'],
  ['806', '0'],
  ['801', '0'],
  ['800', '0'],
  ['803', '0'],
  ['802', '0'],
];

describe('LAN box API (chan_sip PBX)', () => {
  let w: BoxWorld;
  let box: BoxClient;

  beforeAll(async () => {
    w = await startBoxWorld();
    box = boxClient(w.lan);
  });
  afterAll(async () => w.stop());

  it('extension-status lists every SIP peer, capitalised keys, as SIPpeers says', async () => {
    const r = await box('GET', '/extensions/extension-status');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      status: 'success',
      message: 'Peer status list will follow',
      data: LAB_PEERS.map(([Exten, IPAddr, Status]) => ({ Exten, Type: 'SIP', IPAddr, Status })),
    });
    expect(r.text.startsWith('{"status":"success","message":"Peer status list will follow","data":[{"Exten":"800","Type":"SIP"')).toBe(true);
  });

  it('extension-hints-status is a bare array of every hint', async () => {
    const r = await box('GET', '/extensions/extension-hints-status');
    expect(r.body).toEqual(LAB_HINTS.map(([extension, status]) => ({ agentName: extension, extension, extenType: 'analogCallCenter', status })));
  });

  it('queue-info maps queue → members (interface lower-cased, paused, penalty)', async () => {
    const r = await box('GET', '/queues/queue-info');
    expect(r.body).toEqual({ status: 'success', message: 'Queue status will follow', data: LAB_QUEUES });
  });

  it('current-calls lists the channels of a call in progress', async () => {
    const idle = await box('POST', '/extensions/current-calls');
    expect(idle.body).toEqual({ status: 'success', message: 'Channels will follow', data: [] });
    const call = await callUp(w.sim, '801', '802');
    const r = await box('POST', '/extensions/current-calls');
    expect(r.body.data).toHaveLength(2);
    const byChannel = Object.fromEntries(r.body.data.map((c: Record<string, string>) => [c.channel, c]));
    const [a, b] = call.channels.sort();
    expect(byChannel[a]).toMatchObject({ calleridnum: '801', calleridname: 'Bob Caller', channelstate: '6', channelstatedesc: 'Up', connectedlinenum: '802' });
    expect(byChannel[b]).toMatchObject({ calleridnum: '802', calleridname: 'Carol Callee', connectedlinenum: '801' });
    expect(Object.keys(r.body.data[0])).toEqual(['calleridname', 'calleridnum', 'channel', 'channelstate', 'channelstatedesc', 'connectedlinename', 'connectedlinenum', 'duration']);
    expect(r.body.data[0].duration).toMatch(/^\d\d:\d\d:\d\d$/);
    // hangup by extension ends it
    const h = await box('POST', '/extensions/hangup', { extension: '802' });
    expect(h.body).toEqual({ status: 'success', message: 'hangup extension success' });
    await waitFor(() => w.sim.state.channels.length === 0, { what: 'call gone' });
  });

  it('agent-pause pauses and unpauses a member, and reports what Asterisk said', async () => {
    const on = await box('POST', '/queues/agent-pause', { queue: '630', member: '803', state: 'on' });
    expect(on.body).toEqual({ status: 'success', message: 'Interface paused successfully' });
    expect((await box('GET', '/queues/queue-info')).body.data['630'][0]).toEqual({ name: 'sip/803', paused: '1', penalty: '0' });
    const off = await box('POST', '/queues/agent-pause', { queue: '630', member: '803', state: 'off' });
    expect(off.body).toEqual({ status: 'success', message: 'Interface unpaused successfully' });
    expect((await box('POST', '/queues/agent-pause', { queue: '630', member: '803', state: 'maybe' })).status).toBe(400);
    const notMember = await box('POST', '/queues/agent-pause', { queue: '630', member: '808', state: 'on' });
    expect(notMember.status).toBe(404);
    expect(notMember.body).toEqual({ status: 'error', message: 'Interface not found' });
  });

  it('agent-login / agent-logout add and remove a member; AMI refusals are 502, unknowns 404', async () => {
    expect((await box('POST', '/queues/agent-login', { extension: '808', queue: '631' })).body).toEqual({ status: 'success', message: 'login extension success' });
    expect((await box('GET', '/queues/queue-info')).body.data['631'].map((m: { name: string }) => m.name)).toContain('sip/808');
    const again = await box('POST', '/queues/agent-login', { extension: '808', queue: '631' });
    expect(again.status).toBe(502);
    expect(again.body).toEqual({ status: 'error', message: 'Unable to add interface: Already there' });
    expect((await box('POST', '/queues/agent-logout', { extension: '808', queue: '631' })).body).toEqual({ status: 'success', message: 'logout extension success' });
    const twice = await box('POST', '/queues/agent-logout', { extension: '808', queue: '631' });
    expect([twice.status, twice.body.message]).toEqual([502, 'Unable to remove interface: Not there']);
    const unknownExt = await box('POST', '/queues/agent-login', { extension: '999', queue: '631' });
    expect([unknownExt.status, unknownExt.body]).toEqual([404, { status: 'error', message: 'unknown extension 999' }]);
    const unknownQueue = await box('POST', '/queues/agent-login', { extension: '808', queue: 'nosuchqueue' });
    expect([unknownQueue.status, unknownQueue.body.message]).toEqual([404, 'Unable to add interface to queue: No such queue']);
    expect((await box('POST', '/queues/agent-login', { queue: '631' })).body).toEqual({ status: 'error', message: 'missing field extension' });
  });

  it('click-number rings src first, then dials dst', async () => {
    const r = await box('POST', '/extensions/click-number', { src: '801', dst: '802' });
    expect(r.body).toEqual({ status: 'success', message: 'Originate successfully queued' });
    await waitFor(() => w.sim.state.channels.filter((c) => c.bridgeId).length === 2, { what: 'click-to-call bridged' });
    const names = w.sim.state.channels.map((c) => c.name).sort();
    expect(names[0]).toMatch(/^SIP\/801-/);
    expect(names[1]).toMatch(/^SIP\/802-/);
    await box('POST', '/extensions/hangup', { extension: '801' });
    await waitFor(() => w.sim.state.channels.length === 0);
    expect((await box('POST', '/extensions/click-number', { src: '999', dst: '802' })).status).toBe(404);
  });

  it('hangup answers 404 for an extension without a call or unknown', async () => {
    expect(await box('POST', '/extensions/hangup', { extension: '803' })).toMatchObject({ status: 404, body: { status: 'error', message: 'extension 803 has no active call' } });
    expect(await box('POST', '/extensions/hangup', { extension: '999' })).toMatchObject({ status: 404, body: { status: 'error', message: 'unknown extension 999' } });
  });

  it('transfer sends the other party of src to dst ("tansfer", as the box spelled it)', async () => {
    await callUp(w.sim, '801', '802');
    const r = await box('POST', '/extensions/transfer', { src: '802', dst: '800' });
    expect(r.body).toEqual({ status: 'success', message: 'tansfer extension success' });
    // 801 (802's other party) now rings 800; 802 dropped out.
    await waitFor(() => w.sim.state.channels.some((c) => c.name.startsWith('SIP/800-')), { what: '800 rung' });
    expect(w.sim.state.channels.some((c) => c.name.startsWith('SIP/802-'))).toBe(false);
    for (const c of w.sim.state.channels) w.sim.hangup(c.name);
    await waitFor(() => w.sim.state.channels.length === 0);
    expect((await box('POST', '/extensions/transfer', { src: '803', dst: '800' })).status).toBe(404);
  });

  it('extenSpy lets src listen in on dst', async () => {
    await callUp(w.sim, '801', '802');
    const r = await box('POST', '/extensions/extenSpy', { src: '800', dst: '802' });
    expect(r.body).toEqual({ status: 'success', message: 'spy extension success' });
    await waitFor(() => w.sim.state.channels.some((c) => c.name.startsWith('SIP/800-') && c.application === 'ChanSpy'), { what: 'spy running' });
    for (const c of w.sim.state.channels) w.sim.hangup(c.name);
    await waitFor(() => w.sim.state.channels.length === 0);
    expect((await box('POST', '/extensions/extenSpy', { src: '800', dst: '999' })).status).toBe(404);
  });

  it('blacklist index / create / delete keep the AstDB family', async () => {
    expect((await box('GET', '/blacklist/index')).body).toEqual({ status: 'success', data: [] });
    expect((await box('POST', '/blacklist/create', { number: '123456' })).body).toEqual({ status: 'success', message: 'Updated database successfully' });
    expect((await box('GET', '/blacklist/index')).body).toEqual({ status: 'success', data: ['123456'] });
    expect(w.sim.state.astdb).toMatchObject({ blacklist: { '123456': '1' } });
    expect((await box('DELETE', '/blacklist/delete', { number: '123456' })).body).toEqual({ status: 'success', message: 'Key deleted successfully' });
    expect((await box('GET', '/blacklist/index')).body.data).toEqual([]);
    expect(await box('DELETE', '/blacklist/delete', { number: '123456' })).toMatchObject({ status: 502, body: { status: 'error', message: 'Database entry could not be deleted' } });
  });

  it('monitor streams a recording from monitor_dir and refuses paths that leave it', async () => {
    const done = await w.sim.call('801', '802', { talkMs: 500 });
    expect(done.recordingFile).toBeTruthy();
    writeFileSync(join(w.monitorDir, 'known.wav'), Buffer.from('RIFF0000WAVEfmt '));
    const file = await fetch(`${w.lan}/monitor/known.wav`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await file.arrayBuffer()).toString()).toBe('RIFF0000WAVEfmt ');
    const recorded = await fetch(`${w.lan}/monitor/${encodeURIComponent(done.recordingFile!)}`);
    expect(recorded.status).toBe(200);
    expect((await box('GET', '/monitor/nothere.wav')).status).toBe(404);
    const base = w.lan.replace(/\/coocenter-api$/, '');
    for (const [evil, status] of [
      ['..%2F..%2Fetc%2Fpasswd', 400],
      ['%2Fetc%2Fpasswd', 400],
      ['..%5C..%5Cboot.ini', 400],
      ['x%00.wav', 400],
      ['../../etc/passwd', 404],
    ] as const) {
      const r = await rawGet(base, `/coocenter-api/monitor/${evil}`);
      expect(r.status, evil).toBe(status);
      expect(r.body).not.toContain('root:');
    }
  });

  it('refuses bad requests with a clear error: CR/LF smuggling, malformed forms, wrong methods, types', async () => {
    const crlf = await box('POST', '/extensions/hangup', { extension: '801\r\nAction: Originate' });
    expect(crlf.status).toBe(400);
    expect(crlf.body.message).toContain('control characters');
    const malformed = await fetch(`${w.lan}/extensions/hangup`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'extension=%E0%A4%A' });
    expect([malformed.status, await malformed.json()]).toEqual([400, { status: 'error', message: 'malformed form field "extension"' }]);
    const xml = await fetch(`${w.lan}/extensions/hangup`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<x/>' });
    expect(xml.status).toBe(415);
    const get = await box('GET', '/extensions/hangup');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await box('GET', '/extensions/nothing')).status).toBe(404);
  });
});

describe('LAN box API: PBX failures and authentication', () => {
  let w: BoxWorld | undefined;
  afterEach(async () => {
    await w?.stop();
    w = undefined;
  });

  it('504 when the PBX does not answer, 200 once it answers again, 503 when AMI is down', async () => {
    w = await startBoxWorld({ timeoutMs: 300 });
    const box = boxClient(w.lan);
    w.sim.setResponding(false);
    const slow = await box('GET', '/queues/queue-info');
    expect(slow.status).toBe(504);
    expect(slow.body.status).toBe('error');
    w.sim.setResponding(true);
    expect((await box('GET', '/queues/queue-info')).status).toBe(200);
    await w.relay.ami.close();
    const down = await box('GET', '/queues/queue-info');
    expect(down.status).toBe(503);
    expect(down.body.message).toMatch(/^PBX unavailable/);
  });

  it('checks the WEBKEY: md5(WEBKEY + today) passes, anything else is 401', async () => {
    w = await startBoxWorld({ webkey: 'asjdfjklkasdf', settings: { pbx: { timezone: 'UTC' } } });
    const path = '/queues/queue-info';
    const today = webkeyToken('asjdfjklkasdf', calendarDate(Date.now(), 'UTC'));
    const yesterday = webkeyToken('asjdfjklkasdf', calendarDate(Date.now() - 86_400_000, 'UTC'));
    expect((await boxClient(w.lan, { authorization: today })('GET', path)).status).toBe(200);
    const refused = await boxClient(w.lan, { authorization: yesterday })('GET', path);
    expect([refused.status, refused.body]).toEqual([401, { status: 'error', message: 'invalid or missing Authorization' }]);
    expect((await boxClient(w.lan)('GET', path)).status).toBe(401);
  });
});

describe('LAN box API (chan_pjsip PBX)', () => {
  let w: BoxWorld;
  beforeAll(async () => {
    w = await startBoxWorld({ tech: 'PJSIP' });
  });
  afterAll(async () => w.stop());

  it("extension-status speaks chan_sip's words for PJSIP endpoints", async () => {
    const r = await boxClient(w.lan)('GET', '/extensions/extension-status');
    expect(r.body.message).toBe('Peer status list will follow');
    const rows = r.body.data as Array<{ Exten: string; Type: string; IPAddr: string; Status: string }>;
    expect(rows.map((x) => x.Exten)).toEqual(LAB_PEERS.map(([e]) => e));
    for (const row of rows) {
      expect(row.Type).toBe('PJSIP');
      if (row.Exten === '807' || row.Exten === '809') expect([row.IPAddr, row.Status]).toEqual(['-none-', 'UNKNOWN']);
      else if (row.Exten === 'trunk-provider') expect([row.IPAddr, row.Status]).toEqual(['127.0.0.1', 'Unmonitored']);
      else expect([row.IPAddr, row.Status]).toEqual(['127.0.0.1', expect.stringMatching(/^OK \(\d+ ms\)$/)]);
    }
  });

  it('queue members keep lower-cased pjsip/ names, and commands use PJSIP devices', async () => {
    const box = boxClient(w.lan);
    const q = await box('GET', '/queues/queue-info');
    expect(q.body.data['630'].map((m: { name: string }) => m.name)).toEqual(['pjsip/803', 'pjsip/804', 'pjsip/805']);
    expect((await box('POST', '/queues/agent-login', { extension: '808', queue: '631' })).body.message).toBe('login extension success');
    expect((await box('GET', '/queues/queue-info')).body.data['631'].map((m: { name: string }) => m.name)).toContain('pjsip/808');
    await callUp(w.sim, '801', '802');
    const calls = await box('POST', '/extensions/current-calls');
    expect(calls.body.data.map((c: { channel: string }) => c.channel.split('-')[0]).sort()).toEqual(['PJSIP/801', 'PJSIP/802']);
    expect((await box('POST', '/extensions/hangup', { extension: '801' })).body.message).toBe('hangup extension success');
    expect((await box('POST', '/queues/agent-login', { extension: '999', queue: '631' })).status).toBe(404);
  });
});
