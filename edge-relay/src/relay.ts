/**
 * The relay assembled from its parts. Everything here is wiring: each part is
 * built and tested on its own (ami/, pbx/, http/, events/, tunnel/).
 */

import type { Clock } from '../../protocol/src/clock.js';
import { systemClock } from '../../protocol/src/clock.js';
import type { Logger } from '../../protocol/src/log.js';
import { AmiClient } from './ami/client.js';
import type { RelayConfig } from './config/config.js';
import { lanApp, listen, type RunningServer } from './http/lan-api.js';
import { AmiPbx } from './pbx/ami-pbx.js';
import type { RetryStrategy } from './retry.js';

export interface RelayDeps {
  logger: Logger;
  clock?: Clock;
  amiRetry?: RetryStrategy;
}

export interface Relay {
  config: RelayConfig;
  ami: AmiClient;
  pbx: AmiPbx;
  lan: RunningServer;
  stop(): Promise<void>;
}

export async function startRelay(config: RelayConfig, deps: RelayDeps): Promise<Relay> {
  const clock = deps.clock ?? systemClock;
  const log = deps.logger;
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
  const pbx = new AmiPbx(ami, {
    tech: config.ami.tech,
    context: config.ami.context,
    blacklistFamily: config.pbx.blacklistFamily,
    monitorDir: config.pbx.monitorDir,
    timeoutMs: config.ami.timeoutMs,
  });
  const app = lanApp({ pbx, webkey: config.general.webkey, timeZone: config.pbx.timezone, now: () => clock.now(), logger: log });
  const lan = await listen(app, config.general.bindPort, config.general.bindAddress);
  log.info('lan api listening', { port: lan.port, auth: config.general.webkey ? 'webkey' : 'off' });
  ami.connect();

  return {
    config,
    ami,
    pbx,
    lan,
    async stop() {
      await lan.close();
      await ami.close();
    },
  };
}
