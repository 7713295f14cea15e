/**
 * All 16 box endpoints through the local cloud give the same status and the
 * same bytes as the relay's own LAN API, on the PBX simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../cloud/src/local/server.js';
import { boxCases } from '../helpers/box-cases.js';
import { boxClient, startBoxWorld, type BoxWorld } from '../helpers/box-world.js';
import { api, startTestCloud, tenantAndSite } from '../helpers/cloud-harness.js';
import { waitFor } from '../helpers/wait.js';

describe('box API through the local cloud vs the LAN API', () => {
  let cloud: LocalCloud;
  let w: BoxWorld;
  let siteBase: string;
  let apiKey: string;

  beforeAll(async () => {
    cloud = await startTestCloud();
    const call = api(cloud.url);
    const ids = await tenantAndSite(call);
    apiKey = ids.apiKey;
    siteBase = `${cloud.url}/sites/${ids.siteId}/coocenter-api`;
    w = await startBoxWorld({ settings: { cloud: { url: cloud.url, token: ids.relayToken } } });
    await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.amiConnected, { what: 'relay online' });
  });
  afterAll(async () => {
    await w.stop();
    await cloud.stop();
  });

  for (const c of boxCases) {
    it(c.name, async () => {
      const lan = await c.run(w, boxClient(w.lan));
      const viaCloud = await c.run(w, boxClient(siteBase, { authorization: `Bearer ${apiKey}` }));
      const norm = c.normalise ?? ((t: string) => t);
      expect(viaCloud.status).toBe(lan.status);
      expect(norm(viaCloud.text)).toBe(norm(lan.text));
      expect(viaCloud.headers.get('content-type')).toBe(lan.headers.get('content-type'));
    });
  }
});
