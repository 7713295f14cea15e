/**
 * A bounded HTTP fuzz of the real servers (issue 16): the relay's LAN API on
 * the PBX simulator and the local cloud on DynamoDB Local, with the relay
 * dialled into it. Random methods, paths, ids, content types, fields and
 * bodies (fast-check, fixed seed) must give:
 *  - no 5xx but 502 (Asterisk refused), 503 (PBX or relay unreachable) and
 *    504 (no answer in time), each with the box's error body;
 *  - nothing but well-formed actions at the PBX: every action the simulator
 *    reads is one the relay may send, and each field has its allowed shape;
 *  - bounded memory while large chunked bodies are thrown at both servers.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmiMessage } from '../../ami-codec/src/message.js';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import { checkShape, type FieldKind } from '../../protocol/src/box-api/fields.js';
import { startBoxWorld, type BoxWorld } from '../helpers/box-world.js';
import { api, startTestCloud, tenantAndSite } from '../helpers/cloud-harness.js';
import { openRequest, rawRequest } from '../helpers/raw-http.js';
import { waitFor } from '../helpers/wait.js';
import { check, FUZZ_SEED, nastyString } from './properties.js';

const BOX_PATHS = [
  '/extensions/current-calls', '/extensions/extension-status', '/extensions/extension-hints-status', '/queues/queue-info',
  '/queues/agent-pause', '/queues/agent-login', '/queues/agent-logout', '/extensions/click-number', '/extensions/hangup',
  '/extensions/transfer', '/extensions/extenSpy', '/blacklist/index', '/blacklist/create', '/blacklist/delete', '/monitor/x.wav', '/monitor',
];
const FIELDS = ['queue', 'member', 'state', 'extension', 'src', 'dst', 'number'];
const TYPES = ['application/x-www-form-urlencoded', 'application/json', 'multipart/form-data; boundary=zz', 'text/plain', ''];

/** The actions the relay may send, and the shape of the fields that carry caller input. */
const ALLOWED_ACTIONS = new Set([
  'Login', 'Challenge', 'Ping', 'Logoff', 'Events', 'CoreShowChannels', 'SIPpeers', 'PJSIPShowEndpoints', 'PJSIPShowContacts', 'ExtensionStateList',
  'QueueStatus', 'Status', 'ModuleCheck', 'QueuePause', 'QueueAdd', 'QueueRemove', 'Originate', 'Hangup', 'Redirect', 'DBGetTree', 'DBPut', 'DBDel', 'SIPshowpeer', 'PJSIPShowEndpoint',
]);
const shaped = (kind: FieldKind) => (v: string) => checkShape(kind, v).ok;
const device = (v: string) => /^(SIP|PJSIP)\/(.+)$/.exec(v) !== null && shaped('extension')(v.slice(v.indexOf('/') + 1));
const FIELD_RULES: Record<string, (v: string, action: string) => boolean> = {
  Queue: shaped('queue'),
  Interface: device,
  Exten: shaped('number'),
  Key: shaped('blacklistNumber'),
  Family: (v) => v === 'blacklist',
  Peer: shaped('extension'),
  Endpoint: shaped('extension'),
  // Originate rings a device; Hangup and Redirect name a channel the PBX listed.
  Channel: (v, action) => (action === 'Originate' ? device(v) : /^(SIP|PJSIP)\/[0-9A-Za-z_-]+-[0-9a-f]+$/.test(v)),
  Data: (v) => /^(SIP|PJSIP)\/[0-9A-Za-z_-]+,qE$/.test(v) && device(v.split(',')[0]),
  CallerID: (v) => /^"(Spy )?[0-9A-Za-z_+*#-]+" <[0-9A-Za-z_+*#-]+>$/.test(v),
};

function malformed(m: AmiMessage): string | undefined {
  const action = m.get('Action') ?? '';
  if (!ALLOWED_ACTIONS.has(action)) return `action ${JSON.stringify(action)}`;
  for (let i = 0; i < m.fields.length; i += 2) {
    const [name, value] = [m.fields[i], m.fields[i + 1]];
    if (/[\r\n\0]/.test(value)) return `${action} ${name}: control character`;
    const rule = FIELD_RULES[name];
    if (rule && !rule(value, action)) return `${action} ${name}: ${JSON.stringify(value)}`;
  }
  return undefined;
}

/** A path segment of any string (a lone surrogate becomes U+FFFD first, as a client would send it). */
const uriPart = (s: string) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/gu, '\uFFFD'));

/** 5xx only with its documented meaning, and always the box's (or /v1's) error body. */
function acceptable(status: number, body: string): boolean {
  if (status < 500) return true;
  if (![502, 503, 504].includes(status)) return false;
  try {
    return (JSON.parse(body) as { status?: string }).status === 'error';
  } catch {
    return false;
  }
}

describe('HTTP fuzz of the LAN API and the local cloud', () => {
  let cloud: LocalCloud;
  let w: BoxWorld;
  let ids: Awaited<ReturnType<typeof tenantAndSite>>;
  const actions: AmiMessage[] = [];

  beforeAll(async () => {
    cloud = await startTestCloud();
    ids = await tenantAndSite(api(cloud.url));
    w = await startBoxWorld({ onAction: (m) => actions.push(m), settings: { cloud: { url: cloud.url, token: ids.relayToken } } });
    await waitFor(async () => (await cloud.deps.gateway.status(ids.siteId)).amiConnected, { what: 'relay online' });
  });
  afterAll(async () => {
    await w?.stop();
    await cloud?.stop();
  });

  const targets = () => [
    { name: 'LAN', host: new URL(w.lan).host, base: '/coocenter-api', auth: {} as Record<string, string> },
    { name: 'cloud', host: new URL(cloud.url).host, base: `/sites/${ids.siteId}/coocenter-api`, auth: { authorization: `Bearer ${ids.apiKey}` } },
  ];

  const request = fc.record({
    target: fc.constantFrom(0, 1),
    method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH'),
    path: fc.oneof(fc.constantFrom(...BOX_PATHS), nastyString(30).map((s) => `/${uriPart(s)}`)),
    fields: fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(nastyString(20), fc.constantFrom('801', '802', '630', 'on', '4930111')), { maxKeys: 4 }),
    type: fc.constantFrom(...TYPES),
    query: fc.boolean(),
  });

  it('box API: no 5xx but 502/503/504, and only well-formed actions reach the PBX', async () => {
    const seen: string[] = [];
    await check(
      fc.asyncProperty(request, async (r) => {
        const t = targets()[r.target];
        const form = new URLSearchParams(r.fields).toString();
        const body = r.type.startsWith('application/json') ? JSON.stringify(r.fields) : r.type.startsWith('multipart') ? `--zz\r\nContent-Disposition: form-data; name="x"\r\n\r\n${form}\r\n--zz--\r\n` : form;
        const path = `${t.base}${r.path}${r.query ? `?${form}` : ''}`;
        const res = await rawRequest(t.host, { method: r.method, path, headers: { ...t.auth, ...(r.type ? { 'content-type': r.type } : {}) }, body: r.method === 'GET' ? undefined : body });
        seen.push(`${res.status}`);
        expect(acceptable(res.status, res.body), `${t.name} ${r.method} ${path} → ${res.status} ${res.body.slice(0, 200)}`).toBe(true);
      }),
      120,
    );
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.map(malformed).filter(Boolean)).toEqual([]);
    // The fuzz reached the PBX and the refusals alike (a run answering 404 to everything would prove little).
    expect(new Set(seen).size).toBeGreaterThan(3);
  });

  it('/v1: random ids, parameters and bodies never answer 5xx', async () => {
    const host = new URL(cloud.url).host;
    const v1 = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE'),
      path: fc.constantFrom('/sites', '/sites/ID', '/sites/ID/relay-token', '/webhooks', '/webhooks/ID', '/webhooks/ID/replay', '/webhooks/ID/deliveries', '/cdrs', '/stats'),
      // Not the relay's own site: a relay-token rotation would cut the tunnel the box API fuzz uses.
      id: fc.oneof(nastyString(30), fc.constant('site_0000000000000000'), fc.constant('x'.repeat(3000))),
      query: fc.dictionary(fc.constantFrom('siteId', 'from', 'to', 'cursor', 'limit', 'type', 'groupBy'), fc.oneof(nastyString(20), fc.constant('x'.repeat(3000))), { maxKeys: 3 }),
      body: fc.oneof(fc.json({ maxDepth: 2 }), fc.record({ url: nastyString(20), siteIds: fc.array(nastyString(30), { maxLength: 3 }), from: nastyString(10), to: fc.double() }).map((b) => JSON.stringify(b))),
    });
    await check(
      fc.asyncProperty(v1, async (r) => {
        const path = `/v1/tenants/${ids.tenantId}${r.path.replace('ID', uriPart(r.id))}?${new URLSearchParams(r.query)}`;
        const res = await rawRequest(host, { method: r.method, path, headers: { authorization: `Bearer ${ids.apiKey}`, 'content-type': 'application/json' }, body: r.method === 'GET' ? undefined : r.body });
        expect(res.status, `${r.method} ${path.slice(0, 200)} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
      }),
      120,
    );
  });

  it('memory stays bounded while large chunked bodies are thrown at both servers', async () => {
    const paths = () => [
      ...targets().map((t) => ({ host: t.host, path: `${t.base}/extensions/hangup`, headers: t.auth })),
      { host: new URL(cloud.url).host, path: `/v1/tenants/${ids.tenantId}/webhooks`, headers: { authorization: `Bearer ${ids.apiKey}` } },
    ];
    const chunk = Buffer.alloc(64 * 1024, 'a');
    /** Send up to `mb` MB chunked, respecting backpressure, until the server answers. */
    const flood = async (t: { host: string; path: string; headers: Record<string, string> }, type: string, mb: number) => {
      const req = openRequest(t.host, { method: 'POST', path: t.path, headers: { ...t.headers, 'content-type': type } });
      let answered = false;
      const response = req.response.then((r) => ((answered = true), r)).catch(() => ((answered = true), undefined));
      for (let sent = 0; sent < mb * 1024 * 1024 && !answered; sent += chunk.length) {
        req.write(chunk);
        await Promise.race([req.flushed, response]);
      }
      const r = await response;
      req.destroy();
      return r?.status;
    };
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const statuses: Array<number | undefined> = [];
    // 3 rounds × 3 routes × 4 types × 8 MB offered: close to 300 MB, 12 at a time.
    for (let round = 0; round < 3; round++) {
      const all = paths().flatMap((p) => TYPES.slice(0, 4).map((type) => flood(p, type, 8)));
      statuses.push(...(await Promise.all(all)));
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    // 413 (too large), or 415 at once for a content type the box API does not take.
    expect(statuses.every((s) => s === 413 || s === 415), `statuses ${statuses.join(',')} (seed ${FUZZ_SEED})`).toBe(true);
    // Everything runs in this process (servers and clients): had any server kept the bodies, RSS would grow by hundreds of MB.
    expect(peak - before, `RSS grew ${Math.round((peak - before) / 1e6)} MB`).toBeLessThan(96 * 1024 * 1024);
  });
});
