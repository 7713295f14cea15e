/**
 * A PBX simulator, a relay logged in to it, and helpers to call the box API:
 * the setting of the endpoint tests (LAN directly, or through the cloud).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AmiMessage } from '../../ami-codec/src/message.js';
import type { Relay } from '../../edge-relay/src/relay.js';
import type { HttpTimeouts } from '../../protocol/src/http/timeouts.js';
import type { Logger } from '../../protocol/src/log.js';
import { startSimulator, type PbxSimulator, type SimulatorOptions } from '../../simulator/src/index.js';
import { expectedConf, setConf, startTestRelay, tempDir } from './relay-harness.js';
import { waitFor } from './wait.js';

/** queue-info of the lab's queues, as action-queuestatus answers it (members lower-cased, penalty as set). */
export const LAB_QUEUES = {
  '630': [
    { name: 'sip/803', paused: '0', penalty: '0' },
    { name: 'sip/804', paused: '0', penalty: '0' },
    { name: 'sip/805', paused: '0', penalty: '1' },
  ],
  '631': [
    { name: 'sip/807', paused: '0', penalty: '1' },
    { name: 'sip/806', paused: '0', penalty: '0' },
  ],
};

export interface BoxWorld {
  sim: PbxSimulator;
  relay: Relay;
  monitorDir: string;
  conf: string;
  /** The relay's data directory (its seq and outbox): a relay started again on it carries on. */
  dataDir: string;
  /** Base URL of the relay's LAN API (…/coocenter-api). */
  lan: string;
  stop(): Promise<void>;
}

export interface WorldOptions {
  tech?: 'SIP' | 'PJSIP';
  webkey?: string;
  /** Extra `[section] key = value` settings. */
  settings?: Record<string, Record<string, string | number>>;
  /** AMI action timeout of the relay. */
  timeoutMs?: number;
  /** More simulator options (restartDownMs, …). */
  simulator?: SimulatorOptions;
  /** The relay's logger (default: errors only). */
  logger?: Logger;
  /** The LAN server's HTTP timeouts (default: the product's). */
  httpTimeouts?: Partial<HttpTimeouts>;
  /** Sees every AMI message the simulator reads. */
  onAction?: (action: AmiMessage) => void;
}

export async function startBoxWorld(opts: WorldOptions = {}): Promise<BoxWorld> {
  const monitorDir = tempDir('monitor-');
  mkdirSync(monitorDir, { recursive: true });
  const sim = await startSimulator({ port: 0, tech: opts.tech ?? 'SIP', timeScale: 0.01, monitorDir, loginFailDelayMs: 10, onAction: opts.onAction, ...opts.simulator });
  let conf = expectedConf(opts.tech === 'PJSIP' ? 'api-pjsip.conf' : 'api.conf');
  conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: '', WEBKEY: opts.webkey ?? '' });
  conf = setConf(conf, 'ami', { port: sim.port, timeout_ms: opts.timeoutMs ?? 1500 });
  conf = setConf(conf, 'pbx', { monitor_dir: monitorDir });
  for (const [section, values] of Object.entries(opts.settings ?? {})) conf = setConf(conf, section, values);
  const dataDir = tempDir();
  const relay = await startTestRelay(conf, { logger: opts.logger, httpTimeouts: opts.httpTimeouts, dataDir });
  await relay.ami.waitReady();
  return {
    sim,
    relay,
    monitorDir,
    conf,
    dataDir,
    lan: `http://127.0.0.1:${relay.lan.port}/coocenter-api`,
    async stop() {
      await relay.stop();
      await sim.close();
    },
  };
}

/** Start a call that stays up until hung up; resolves once both legs are bridged. */
export async function callUp(sim: PbxSimulator, from: string, to: string): Promise<{ done: Promise<unknown>; channels: string[] }> {
  const done = sim.call(from, to, { talkMs: Infinity }).catch((e: unknown) => e);
  const channels = await waitFor(
    () => {
      const mine = sim.state.channels.filter((c) => c.name.includes(`/${from}-`) || c.name.includes(`/${to}-`));
      return mine.length === 2 && mine.every((c) => c.bridgeId) ? mine.map((c) => c.name) : undefined;
    },
    { what: `call ${from}->${to} up` },
  );
  return { done, channels };
}

export interface BoxResponse {
  status: number;
  text: string;
  body: any;
  headers: Headers;
}

/** A client for one box API base (LAN or a site in the cloud). */
export function boxClient(base: string, headers: Record<string, string> = {}) {
  return async (method: string, path: string, form?: Record<string, string>, extra: Record<string, string> = {}): Promise<BoxResponse> => {
    const init: RequestInit = { method, headers: { ...headers, ...extra } };
    if (form) {
      (init.headers as Record<string, string>)['content-type'] = 'application/x-www-form-urlencoded';
      init.body = new URLSearchParams(form).toString();
    }
    const res = await fetch(base + path, init);
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, text, body, headers: res.headers };
  };
}

export type BoxClient = ReturnType<typeof boxClient>;

export function recordingPath(world: BoxWorld, file: string): string {
  return join(world.monitorDir, file);
}
