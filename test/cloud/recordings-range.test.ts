/**
 * A recording as a browser player fetches it — HEAD, Range, ETag and
 * If-None-Match — from the relay's LAN API and through the cloud, on both
 * runtimes, with the real servers and a real file in the monitor folder.
 * The local cloud streams the file through the tunnel and answers the range
 * itself; on AWS the cloud redirects to a presigned S3 URL and S3 (fauxqs
 * here) answers the range. Expected bytes are the file's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../edge-relay/src/relay.js';
import { monitorWithRecording, startBusyPbx } from '../helpers/busy-pbx.js';
import { api, tenantAndSite } from '../helpers/cloud-harness.js';
import type { FakeAmi } from '../helpers/fake-ami.js';
import { expectedConf, setConf, startTestRelay } from '../helpers/relay-harness.js';
import { cloudRuntimes, type RunningCloud } from '../helpers/runtimes.js';
import { waitFor } from '../helpers/wait.js';

describe.each(cloudRuntimes)('recordings with Range on the LAN and through $name', (runtime) => {
  let cloud: RunningCloud;
  let relay: Relay;
  let pbx: FakeAmi;
  let audio: Buffer;
  let lanUrl: string;
  let cloudUrl: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    const rec = monitorWithRecording();
    audio = rec.audio;
    cloud = await runtime.start();
    const call = api(cloud.url);
    const ids = await tenantAndSite(call);
    pbx = await startBusyPbx(0);
    let conf = expectedConf('api.conf');
    conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: '' });
    conf = setConf(conf, 'ami', { port: pbx.port });
    conf = setConf(conf, 'cloud', { url: cloud.relayUrl, token: ids.relayToken });
    conf = setConf(conf, 'pbx', { monitor_dir: rec.monitorDir });
    relay = await startTestRelay(conf);
    await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.amiConnected, { what: 'relay online' });
    lanUrl = `http://127.0.0.1:${relay.lan.port}/coocenter-api/monitor/2026/call-1.wav`;
    cloudUrl = `${cloud.url}/sites/${ids.siteId}/coocenter-api/monitor/2026/call-1.wav`;
    auth = { authorization: `Bearer ${ids.apiKey}` };
  });
  afterAll(async () => {
    await relay?.stop();
    await pbx?.close();
    await cloud?.stop();
  });

  /** Through the cloud, following the redirect to object storage (with the request's headers, as a player's fetch does). */
  let fromObjectStorage = false;
  const viaCloud = async (method: string, headers: Record<string, string> = {}): Promise<Response> => {
    const first = await fetch(cloudUrl, { method, headers: { ...auth, ...headers }, redirect: 'manual' });
    fromObjectStorage = first.status === 302;
    if (first.status !== 302) return first;
    // A presigned URL holds for one method: HEAD is sent to one signed for HEAD.
    expect(new URL(first.headers.get('location')!).searchParams.get('x-id')).toBe(method === 'HEAD' ? 'HeadObject' : 'GetObject');
    return fetch(first.headers.get('location')!, { method, headers });
  };
  const onLan = (method: string, headers: Record<string, string> = {}) => fetch(lanUrl, { method, headers });

  for (const [where, get] of [['the LAN', onLan], ['the cloud', viaCloud]] as const) {
    it(`${where}: Range gives 206 with Content-Range and the file's own bytes; past the end 416`, async () => {
      const mid = await get('GET', { range: 'bytes=100000-100999' });
      expect(mid.status).toBe(206);
      expect(mid.headers.get('content-range')).toBe(`bytes 100000-100999/${audio.length}`);
      expect(mid.headers.get('content-length')).toBe('1000');
      expect(Buffer.from(await mid.arrayBuffer()).equals(audio.subarray(100_000, 101_000))).toBe(true);
      // Spanning the tunnel's 32 KB frames, open-ended, and the last bytes.
      const open = await get('GET', { range: 'bytes=30000-' });
      expect(open.status).toBe(206);
      expect(Buffer.from(await open.arrayBuffer()).equals(audio.subarray(30_000))).toBe(true);
      const tail = await get('GET', { range: 'bytes=-500' });
      expect(tail.headers.get('content-range')).toBe(`bytes ${audio.length - 500}-${audio.length - 1}/${audio.length}`);
      expect(Buffer.from(await tail.arrayBuffer()).equals(audio.subarray(-500))).toBe(true);
      const past = await get('GET', { range: `bytes=${audio.length}-` });
      expect(past.status).toBe(416);
      await past.arrayBuffer();
      expect(past.headers.get('content-range')).toBe(`bytes */${audio.length}`);
    });

    it(`${where}: HEAD and the whole file say Accept-Ranges, ETag and Last-Modified; If-None-Match gives 304`, async () => {
      const head = await get('HEAD');
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(audio.length));
      expect(await head.text()).toBe('');
      const whole = await get('GET');
      expect(whole.status).toBe(200);
      // S3 says it on every answer; fauxqs, standing in for it here, does not: object storage's header, not ours.
      if (!fromObjectStorage) expect(whole.headers.get('accept-ranges')).toBe('bytes');
      expect(Buffer.from(await whole.arrayBuffer()).equals(audio)).toBe(true);
      const etag = whole.headers.get('etag');
      expect(etag).toMatch(/^"[^"]+"$/);
      expect(Number.isNaN(Date.parse(whole.headers.get('last-modified') ?? ''))).toBe(false);
      const again = await get('GET', { 'if-none-match': etag! });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
    });
  }
});
