/**
 * The relay assembled from its parts. Everything here is wiring: each part is
 * built and tested on its own (ami/, pbx/, http/, events/, tunnel/).
 */

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../protocol/src/clock.js';
import { systemClock } from '../../protocol/src/clock.js';
import type { HttpTimeouts } from '../../protocol/src/http/timeouts.js';
import type { Logger } from '../../protocol/src/log.js';
import { listen, ListenError, type RunningServer } from '../../protocol/src/listen.js';
import { AmiClient } from './ami/client.js';
import { AmiReadiness } from './ami/readiness.js';
import type { RelayConfig } from './config/config.js';
import { hostPort } from './config/describe.js';
import { LAN_CONSUMER, LanPusher } from './events/lan-push.js';
import { EventMapper, type MapResult } from './events/mapper.js';
import { EventPipeline } from './events/pipeline.js';
import { LiveFeed } from './live/feed.js';
import { LiveTracker } from './live/tracker.js';
import { Spool } from './events/spool.js';
import { RelayMetrics } from './health/metrics.js';
import { readiness, type Readiness } from './health/ready.js';
import { healthApp } from './health/server.js';
import { lanApp } from './http/lan-api.js';
import { RecordsBackfill } from './recovery/backfill.js';
import { StateJournal } from './recovery/journal.js';
import { AmiPbx } from './pbx/ami-pbx.js';
import type { RetryStrategy } from './retry.js';
import { CommandRunner } from './tunnel/commands.js';
import { IdempotencyStore } from './tunnel/idempotency.js';
import { LiveUplink } from './tunnel/live-uplink.js';
import { TunnelSupervisor } from './tunnel/supervisor.js';
import { CLOUD_CONSUMER, Uplink } from './tunnel/uplink.js';
import { RELAY_VERSION } from './version.js';

export interface RelayDeps {
  logger: Logger;
  clock?: Clock;
  amiRetry?: RetryStrategy;
  pushRetry?: RetryStrategy;
  tunnelRetry?: RetryStrategy;
  /** Reconnect (make-before-break) after this long; default 110 minutes, under API Gateway's 2 hours. */
  tunnelMaxAgeMs?: number;
  /** Overrides [general] data_dir (the entry point passes env DATA_DIR here). */
  dataDir?: string;
  /** The LAN server's HTTP time limits (default: protocol/src/http/timeouts.ts). */
  httpTimeouts?: Partial<HttpTimeouts>;
}

export interface Relay {
  config: RelayConfig;
  dataDir: string;
  ami: AmiClient;
  /** Whether AMI can serve the box API, and with which channel driver. */
  amiReadiness: AmiReadiness;
  pbx: AmiPbx;
  lan: RunningServer;
  /** `[metrics] listen` (absent when off). */
  health?: RunningServer;
  metrics: RelayMetrics;
  /** What /readyz answers now. */
  readiness(): Readiness;
  mapper: EventMapper;
  spool: Spool;
  pipeline: EventPipeline;
  pusher?: LanPusher;
  tunnel?: TunnelSupervisor;
  backfill?: RecordsBackfill;
  runner: CommandRunner;
  stop(): Promise<void>;
}

/** The override (env DATA_DIR from the entry point), else [general] data_dir, else ./.data/relay. */
export function resolveDataDir(config: RelayConfig, override?: string): string {
  return override ?? config.general.dataDir ?? join(process.cwd(), '.data', 'relay');
}

export async function startRelay(config: RelayConfig, deps: RelayDeps): Promise<Relay> {
  const clock = deps.clock ?? systemClock;
  const log = deps.logger;
  const dataDir = resolveDataDir(config, deps.dataDir);
  mkdirSync(dataDir, { recursive: true });

  const ami = new AmiClient({
    host: config.ami.host,
    port: config.ami.port,
    username: config.ami.username,
    secret: config.ami.secret,
    authType: config.ami.authType,
    events: 'on',
    actionTimeoutMs: config.ami.timeoutMs,
    clock,
    logger: log,
    retryStrategy: deps.amiRetry,
  });
  const amiReadiness = new AmiReadiness({ ami, tech: config.ami.tech, logger: log, timeoutMs: config.ami.timeoutMs });
  const pbx = new AmiPbx(ami, {
    tech: () => amiReadiness.tech,
    refused: () => amiReadiness.refused(),
    context: config.ami.context,
    blacklistFamily: config.pbx.blacklistFamily,
    monitorDir: config.pbx.monitorDir,
    timeoutMs: config.ami.timeoutMs,
  });

  const mapper = new EventMapper({
    mac: config.general.mac,
    trunks: config.pbx.trunks,
    inboundContexts: config.pbx.inboundContexts,
    feedbackContext: config.pbx.feedbackContext,
    timezone: config.pbx.timezone,
    monitorDir: config.pbx.monitorDir,
    ivr: config.ivr,
    pausetime: config.enable.pausetime,
    wrapupSeconds: config.enable.wrapupSeconds,
    closeGoneFromRecords: config.pbx.cdrCsv !== undefined || config.pbx.queueLog !== undefined,
  });
  // The call state comes back first, then the spool takes what the journal holds that it lacks.
  const journal = new StateJournal({
    dir: join(dataDir, 'state'),
    source: mapper,
    clock,
    logger: log,
  });
  const saved = journal.recover();
  mapper.restoreState(saved.full as never, saved.deltas as never);
  if (saved.full !== undefined || saved.deltas.length > 0) log.info('call state restored', { ...mapper.stats });
  const consumers = [...(config.general.url ? [LAN_CONSUMER] : []), ...(config.cloud ? [CLOUD_CONSUMER] : [])];
  const spool = new Spool({
    dir: join(dataDir, 'spool'),
    consumers,
    startAt: config.cloud?.backfill ? { [CLOUD_CONSUMER]: 'oldest' } : {},
    journal,
    clock,
    logger: log,
  });
  // The backfill publishes through the pipeline, which hands it the windows the relay was blind for.
  const publish = (r: MapResult) => pipeline.publish(r);
  const backfill =
    config.pbx.cdrCsv || config.pbx.queueLog
      ? new RecordsBackfill({
          mapper,
          publish,
          spool,
          cdrCsv: config.pbx.cdrCsv,
          queueLog: config.pbx.queueLog,
          dir: join(dataDir, 'state'),
          timezone: config.pbx.timezone,
          clock,
          logger: log,
        })
      : undefined;
  // The site's live state goes to the cloud only: the LAN API has no use for it.
  const tracker = config.cloud ? new LiveTracker() : undefined;
  const liveUplink = tracker ? new LiveUplink({ source: tracker, clock, logger: log }) : undefined;
  const live = tracker && liveUplink ? new LiveFeed(tracker, liveUplink) : undefined;
  const pipeline = new EventPipeline({ ami, mapper, spool, wrapupsFile: join(dataDir, 'wrapups.json'), clock, logger: log, backfill, live });
  const pusher = config.general.url ? new LanPusher({ url: config.general.url, spool, logger: log, clock, retryStrategy: deps.pushRetry }) : undefined;
  const uplink = config.cloud ? new Uplink({ spool, clock, logger: log }) : undefined;
  const metrics = new RelayMetrics({ ami, readiness: amiReadiness, spool, consumers, pusher, version: RELAY_VERSION });
  // One Pbx, timed, for both the LAN API and the tunnel's commands.
  const timedPbx = metrics.timed(pbx);
  const runner = new CommandRunner({ pbx: timedPbx, idempotency: new IdempotencyStore(join(dataDir, 'idempotency.jsonl'), clock), clock, logger: log });
  const tunnel =
    config.cloud && uplink
      ? new TunnelSupervisor({
          url: config.cloud.url,
          token: config.cloud.token,
          uplink,
          live: liveUplink,
          runner,
          relayVersion: RELAY_VERSION,
          site: {
            ...(config.general.popUrl ? { popUrl: config.general.popUrl } : {}),
            ...(config.enable.pausetime ? { wrapupSeconds: config.enable.wrapupSeconds } : {}),
          },
          ami: () => ({ amiConnected: amiReadiness.state.ready, amiChange: amiReadiness.state.change, amiReason: amiReadiness.state.reason }),
          clock,
          logger: log,
          retryStrategy: deps.tunnelRetry,
          maxAgeMs: deps.tunnelMaxAgeMs,
        })
      : undefined;

  if (tunnel) metrics.watchTunnel(tunnel);
  const ready = () =>
    readiness({
      ami: { state: ami.state, readiness: amiReadiness.state },
      tunnel: tunnel && { state: tunnel.state, connected: tunnel.connected, siteId: tunnel.siteId, lastError: tunnel.lastError },
    });

  // Bind the ports first: a taken one stops the relay before it does anything.
  const app = lanApp({ pbx: timedPbx, webkey: config.general.webkey, timeZone: config.pbx.timezone, now: () => clock.now(), logger: log });
  const closeStores = async () => {
    await spool.close();
    await journal.close();
  };
  const lan = await listen(app.fetch, config.general.bindPort, config.general.bindAddress, deps.httpTimeouts).catch(async (err: unknown) => {
    await closeStores();
    throw err;
  });
  let health: RunningServer | undefined;
  if (config.metrics.listen) {
    const { host, port } = config.metrics.listen;
    health = await listen(healthApp({ metrics, readiness: ready }).fetch, port, host, deps.httpTimeouts).catch(async (err: unknown) => {
      await lan.close();
      await closeStores();
      if (err instanceof ListenError) err.setting = '[metrics] listen';
      throw err;
    });
  }
  log.info('lan api listening', { port: lan.port, auth: config.general.webkey ? 'webkey' : 'off', dataDir });
  if (health && config.metrics.listen) log.info('health and metrics listening', { address: hostPort({ host: config.metrics.listen.host, port: health.port }) });

  amiReadiness.start();
  pipeline.start();
  pusher?.start();
  if (tunnel) {
    amiReadiness.on('change', () => tunnel.amiChanged());
    tunnel.start();
  }
  logUnrecoverable(config, log);
  backfill?.start();
  ami.connect();

  return {
    config,
    dataDir,
    backfill,
    ami,
    amiReadiness,
    pbx,
    lan,
    health,
    metrics,
    readiness: ready,
    mapper,
    spool,
    pipeline,
    pusher,
    tunnel,
    runner,
    async stop() {
      tunnel?.stop();
      uplink?.stop();
      pipeline.stop();
      await backfill?.stop();
      pusher?.stop();
      amiReadiness.stop();
      await lan.close();
      await health?.close();
      await ami.close();
      metrics.close();
      await spool.close();
      await journal.close();
    },
  };
}

/** Without Asterisk's records the relay cannot recover what happens while it is not listening: say so once. */
function logUnrecoverable(config: RelayConfig, log: Logger): void {
  const missing: string[] = [];
  if (!config.pbx.cdrCsv) missing.push('cdr events ([pbx] cdr_csv)');
  if (!config.pbx.queueLog) missing.push('cc_cdr of queue calls ([pbx] queue_log)');
  if (missing.length === 0) return;
  log.warn(
    `calls that end while the relay is not listening (stopped, restarting, AMI down) cannot be recovered from Asterisk's records: ${missing.join(', ')}; they are closed with what the relay knew, marked partial`,
    { missing },
  );
}
