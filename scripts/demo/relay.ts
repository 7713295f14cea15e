/**
 * The demo's relay: its api.conf (holding the AMI secret, the relay token and
 * the WEBKEY: mode 0600), run as its own process through the real CLI, as an
 * operator runs it. It gets its own process group, so only we stop it, in
 * order; we wait until it serves the box API with AMI logged in and the cloud
 * sees its tunnel, so the curl lines printed next work at once.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { calendarDate, webkeyToken } from '../../protocol/src/box-api/webkey.js';
import { ExitError } from '../../protocol/src/cli/program.js';
import type { LogFormat, LogLevel } from '../../protocol/src/log.js';
import { writeSecretFile } from './accounts.js';

export interface RelayConf {
  lanPort: number;
  /** [metrics] listen: the relay's /healthz, /readyz, /metrics. */
  metricsPort: number;
  crmUrl: string;
  webkey: string;
  dataDir: string;
  amiPort: number;
  cloudUrl: string;
  relayToken: string;
  monitorDir: string;
}

export function writeRelayConf(file: string, c: RelayConf): void {
  writeSecretFile(
    file,
    [
      '; written by npm start: the relay of the demo site',
      '[general]',
      `BINDPORT = ${c.lanPort}`,
      'BINDADDR = 127.0.0.1',
      `URL = ${c.crmUrl}`,
      `WEBKEY = ${c.webkey}`,
      'mac = 68:69:2e:03:8b:3e',
      `data_dir = ${c.dataDir}`,
      '[ami]',
      `port = ${c.amiPort}`,
      'username = admin',
      'secret = secret',
      '[cloud]',
      `url = ${c.cloudUrl}`,
      `token = ${c.relayToken}`,
      '[metrics]',
      `listen = 127.0.0.1:${c.metricsPort}`,
      '[pbx]',
      `monitor_dir = ${c.monitorDir}`,
      'trunks = trunk-provider',
      'inbound_contexts = from-trunk',
      'timezone = UTC',
      '[ivr]',
      'ivr-main = 700,Main menu',
      '',
    ].join('\n'),
  );
}

export interface DemoRelay {
  child: ChildProcess;
  /** The exit code (null: killed by a signal) once it has exited. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function runRelay(root: string, confFile: string, env: NodeJS.ProcessEnv, log: { level: LogLevel; format: LogFormat; dataDir: string }): DemoRelay {
  const child = spawn(process.execPath, [join(root, 'bin', 'coocenter-relay.js'), '--config', confFile], {
    env: { ...env, DATA_DIR: log.dataDir, LOG_LEVEL: log.level, LOG_FORMAT: log.format },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  return {
    child,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The box API on the LAN answers with AMI up (503 while it is down), authenticated as an integration would. */
export async function lanReady(lanPort: number, webkey: string): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${lanPort}/coocenter-api/queues/queue-info`, {
      headers: { authorization: webkeyToken(webkey, calendarDate(Date.now(), 'UTC')) },
      signal: AbortSignal.timeout(2000),
    });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Resolves once `ready()`; throws if the relay exits first or `timeoutMs` passes. */
export async function waitForRelay(relay: DemoRelay, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  let exit: number | null | undefined;
  void relay.exited.then((code) => (exit = code));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exit !== undefined) throw new ExitError(1, `the relay exited (${exit === null ? 'killed' : `code ${exit}`}) before it was ready; its message is above`);
    if (await ready()) return;
    if (Date.now() > deadline) throw new ExitError(1, `the relay was not ready within ${timeoutMs / 1000} s (AMI logged in, tunnel to the cloud up)`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
