/**
 * The stack the console's browser tests run against, all real and on
 * loopback: the local cloud (serving the built console) on the run's DynamoDB
 * Local and fauxqs, a tenant with one site, and that site's relay logged in
 * to the PBX simulator and tunnelled to the cloud.
 */
import type { LocalCloud } from '../../cloud/src/local/server.js';
import type { SimulatorOptions } from '../../simulator/src/index.js';
import type { Relay } from '../../edge-relay/src/relay.js';
import { startBoxWorld, type BoxWorld } from './box-world.js';
import { ADMIN_TOKEN, api, startTestCloud, type Api } from './cloud-harness.js';
import { startTestRelay } from './relay-harness.js';
import { waitFor } from './wait.js';

export interface ConsoleWorld {
  cloud: LocalCloud;
  /** The cloud's API, for the tests' own checks. */
  call: Api;
  tenantId: string;
  apiKey: string;
  siteId: string;
  siteName: string;
  timezone: string;
  box: BoxWorld;
  /** A console URL (`/calls` → http://127.0.0.1:…/console/calls). */
  url(path?: string): string;
  /** The tenant's API under /v1/tenants/{id} (`/stats?…`), with its key. */
  tenantApi(path: string): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  /** Stop the site's relay (the site goes offline); the simulator stays. */
  stopRelay(): Promise<void>;
  /** Start the site's relay again after stopRelay (same settings and data): resolves once it is online with AMI up. */
  startRelay(): Promise<void>;
  stop(): Promise<void>;
}

export interface ConsoleWorldOptions {
  timezone?: string;
  siteName?: string;
  /** More of the relay's api.conf (`{ general: { pop_url: … } }`). */
  relaySettings?: Record<string, Record<string, string | number>>;
  /** More simulator options (timeScale 1 for a test that watches a call ring in real time). */
  simulator?: SimulatorOptions;
  /** The simulated PBX's durations come out exact on a loaded machine (for tests that check them). */
  steadyClock?: boolean;
  /** How long the relay may be away before it is an outage (default the product's 30 s). */
  outageGraceMs?: number;
}

export async function startConsoleWorld(opts: ConsoleWorldOptions = {}): Promise<ConsoleWorld> {
  const timezone = opts.timezone ?? 'Asia/Shanghai';
  const siteName = opts.siteName ?? 'Headquarters';
  const cloud = await startTestCloud({ webhookRetrySchedule: [0, 0, 0, 0, 0, 0, 0], ...(opts.outageGraceMs ? { outageTiming: { graceMs: opts.outageGraceMs } } : {}) });
  const call = api(cloud.url);
  const tenant = await call('POST', '/v1/tenants', { token: ADMIN_TOKEN, body: { name: 'Demo Call Center' } });
  if (tenant.status !== 201) throw new Error(`tenant: ${tenant.status} ${tenant.text}`);
  const apiKey = tenant.body.apiKey as string;
  const tenantId = tenant.body.id as string;
  const site = await call('POST', `/v1/tenants/${tenantId}/sites`, { token: apiKey, body: { name: siteName, timezone } });
  if (site.status !== 201) throw new Error(`site: ${site.status} ${site.text}`);
  const siteId = site.body.id as string;
  const simulator = opts.steadyClock ? { ...opts.simulator, steadyClock: true } : opts.simulator;
  const box = await startBoxWorld({ settings: { ...opts.relaySettings, cloud: { url: cloud.url, token: site.body.relayToken }, pbx: { timezone } }, simulator });
  const tenantApi = (path: string) => call('GET', `/v1/tenants/${tenantId}${path}`, { token: apiKey });
  const online = () => waitFor(async () => (await tenantApi(`/sites/${siteId}`)).body.relay?.amiConnected, { timeoutMs: 15_000, what: 'the relay online with AMI up' });
  await online();
  let relay: Relay = box.relay;
  let relayStopped: Promise<void> | undefined;
  const stopRelay = () => (relayStopped ??= relay.stop());
  const startRelay = async () => {
    await relayStopped;
    relay = await startTestRelay(box.conf, { dataDir: box.dataDir });
    relayStopped = undefined;
    await online();
  };
  return {
    cloud,
    call,
    tenantId,
    apiKey,
    siteId,
    siteName,
    timezone,
    box,
    url: (path = '/') => `${cloud.url}/console${path}`,
    tenantApi,
    stopRelay,
    startRelay,
    async stop() {
      await stopRelay();
      await box.sim.close();
      await cloud.stop();
    },
  };
}
