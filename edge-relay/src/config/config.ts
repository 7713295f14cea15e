/**
 * The relay's configuration: the box's own api.conf plus our sections.
 * Reading is pure (text → RelayConfig or ConfigError); `loadConfig` only adds
 * the file read. A missing or wrong setting is one ConfigError whose message
 * names the file, the section and the key, because that is what an installer
 * needs to fix it.
 */

import { readFileSync } from 'node:fs';
import { IniSyntaxError, parseIni, type IniEntry, type IniSections } from './ini.js';
import { findUnknownSetting, type ConfigKey, type ConfigSection } from './keys.js';
import { isTimeZone } from '../../../protocol/src/zoned-time.js';
import type { TechSetting } from '../ami/channel-driver.js';

export type { Tech, TechSetting } from '../ami/channel-driver.js';

export interface IvrMenu {
  id: string;
  name: string;
}

export interface RelayConfig {
  file: string;
  general: {
    bindPort: number;
    bindAddress: string;
    /** Where events are POSTed on the LAN; undefined = no LAN push. */
    url?: string;
    /** undefined = authentication off (absent, commented or empty WEBKEY). */
    webkey?: string;
    mac: string;
    popUrl?: string;
    dataDir?: string;
  };
  enable: {
    pausetime: boolean;
    wrapupSeconds: number;
  };
  ami: {
    host: string;
    port: number;
    username: string;
    secret: string;
    /** `auto` (the default): chan_sip when Asterisk has it, else chan_pjsip (checked after every login). */
    tech: TechSetting;
    context: string;
    authType: 'plain' | 'md5';
    timeoutMs: number;
  };
  cloud?: {
    url: string;
    token: string;
    /** Upload the events already in the spool when the cloud is added (default: only what comes from now on). */
    backfill: boolean;
  };
  /** Where /healthz, /readyz and /metrics are served; undefined: `off`. */
  metrics: {
    listen?: { host: string; port: number };
  };
  pbx: {
    blacklistFamily: string;
    monitorDir: string;
    trunks: string[];
    inboundContexts: string[];
    feedbackContext?: string;
    timezone?: string;
    /** Asterisk's Master.csv (cdr_csv), read back for what the relay missed while not listening. */
    cdrCsv?: string;
    /** Asterisk's queue_log, read back likewise. */
    queueLog?: string;
  };
  /** IVR context → menu. */
  ivr: Map<string, IvrMenu>;
}

/** `[metrics] listen` by default: loopback only, Prometheus' usual port for an exporter of its kind. */
export const DEFAULT_METRICS_LISTEN = '127.0.0.1:9464';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly section: string,
    readonly key: string,
    detail: string,
  ) {
    super(`${file}: ${section ? `[${section}] ` : ''}${key}: ${detail}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(file: string): RelayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, '', 'file', `cannot read the configuration (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file = 'api.conf'): RelayConfig {
  let ini: IniSections;
  try {
    ini = parseIni(text);
  } catch (err) {
    if (err instanceof IniSyntaxError) throw new ConfigError(file, '', `line ${err.line}`, err.message.replace(/^line \d+: /, ''));
    throw err;
  }
  const unknown = findUnknownSetting(ini);
  if (unknown) throw new ConfigError(file, unknown.section, unknown.key, unknown.detail);
  const r = new Reader(ini, file);

  const cloudUrl = r.optional('cloud', 'url');
  const cloudToken = r.optional('cloud', 'token');
  let cloud: RelayConfig['cloud'];
  if (cloudUrl !== undefined || cloudToken !== undefined) {
    const url = r.url('cloud', 'url', ['ws:', 'wss:', 'http:', 'https:'], true)!;
    cloud = { url, token: r.required('cloud', 'token'), backfill: r.bool('cloud', 'backfill', false) };
  }

  return {
    file,
    general: {
      bindPort: r.int('general', 'bindport', 8000, 0, 65535),
      bindAddress: r.optional('general', 'bindaddr') ?? '0.0.0.0',
      url: r.url('general', 'url', ['http:', 'https:'], false),
      webkey: r.optional('general', 'webkey'),
      mac: r.optional('general', 'mac') ?? '',
      popUrl: r.optional('general', 'pop_url'),
      dataDir: r.optional('general', 'data_dir'),
    },
    enable: {
      pausetime: r.bool('enable', 'pausetime', false),
      wrapupSeconds: r.int('enable', 'wrapup_seconds', 30, 0, 86_400),
    },
    ami: {
      host: r.optional('ami', 'host') ?? '127.0.0.1',
      port: r.int('ami', 'port', 5038, 1, 65535),
      username: r.required('ami', 'username'),
      secret: r.required('ami', 'secret'),
      tech: r.oneOf('ami', 'tech', ['SIP', 'PJSIP', 'auto'] as const, 'auto', (v) => (v.toLowerCase() === 'auto' ? 'auto' : v.toUpperCase())),
      context: r.optional('ami', 'context') ?? 'from-internal',
      authType: r.oneOf('ami', 'auth', ['plain', 'md5'] as const, 'plain', (v) => v.toLowerCase()),
      timeoutMs: r.int('ami', 'timeout_ms', 5000, 100, 120_000),
    },
    cloud,
    metrics: { listen: r.listen('metrics', 'listen', DEFAULT_METRICS_LISTEN) },
    pbx: {
      blacklistFamily: r.optional('pbx', 'blacklist_family') ?? 'blacklist',
      monitorDir: r.optional('pbx', 'monitor_dir') ?? '/var/spool/asterisk/monitor',
      trunks: r.list('pbx', 'trunks'),
      inboundContexts: r.list('pbx', 'inbound_contexts'),
      feedbackContext: r.optional('pbx', 'feedback_context'),
      timezone: r.timezone('pbx', 'timezone'),
      cdrCsv: r.path('pbx', 'cdr_csv'),
      queueLog: r.path('pbx', 'queue_log'),
    },
    ivr: r.ivr(),
  };
}

/** Typed reads with errors that name the key. */
class Reader {
  constructor(
    private readonly ini: IniSections,
    private readonly file: string,
  ) {}

  private entry<S extends ConfigSection>(section: S, key: ConfigKey<S>): IniEntry | undefined {
    return this.ini.get(section)?.get(key);
  }

  private fail(section: string, key: string, detail: string): never {
    throw new ConfigError(this.file, section, key, detail);
  }

  /** Empty counts as absent (the box's rule for WEBKEY). */
  optional<S extends ConfigSection>(section: S, key: ConfigKey<S>): string | undefined {
    const v = this.entry(section, key)?.value;
    return v === undefined || v === '' ? undefined : v;
  }

  required<S extends ConfigSection>(section: S, key: ConfigKey<S>): string {
    const v = this.optional(section, key);
    if (v === undefined) this.fail(section, key, 'is required and missing');
    return v;
  }

  int<S extends ConfigSection>(section: S, key: ConfigKey<S>, dflt: number, min: number, max: number): number {
    const v = this.optional(section, key);
    if (v === undefined) return dflt;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      this.fail(section, key, `must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)})`);
    }
    return Number(v);
  }

  bool<S extends ConfigSection>(section: S, key: ConfigKey<S>, dflt: boolean): boolean {
    const v = this.optional(section, key)?.toLowerCase();
    if (v === undefined) return dflt;
    if (['yes', 'true', 'on', '1'].includes(v)) return true;
    if (['no', 'false', 'off', '0'].includes(v)) return false;
    this.fail(section, key, `must be yes or no (got ${JSON.stringify(v)})`);
  }

  oneOf<S extends ConfigSection, T extends string>(section: S, key: ConfigKey<S>, allowed: readonly T[], dflt: T, normalise: (v: string) => string): T {
    const v = this.optional(section, key);
    if (v === undefined) return dflt;
    const n = normalise(v);
    if (!(allowed as readonly string[]).includes(n)) this.fail(section, key, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)})`);
    return n as T;
  }

  url<S extends ConfigSection>(section: S, key: ConfigKey<S>, protocols: string[], required: boolean): string | undefined {
    const v = required ? this.required(section, key) : this.optional(section, key);
    if (v === undefined) return undefined;
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      this.fail(section, key, `is not a URL (got ${JSON.stringify(v)})`);
    }
    if (!protocols.includes(u.protocol)) this.fail(section, key, `must be a ${protocols.map((p) => p.slice(0, -1)).join('/')} URL (got ${JSON.stringify(v)})`);
    return v;
  }

  /** An absolute file path. */
  path<S extends ConfigSection>(section: S, key: ConfigKey<S>): string | undefined {
    const v = this.optional(section, key);
    if (v !== undefined && !v.startsWith('/')) this.fail(section, key, `must be an absolute path (got ${JSON.stringify(v)})`);
    return v;
  }

  list<S extends ConfigSection>(section: S, key: ConfigKey<S>): string[] {
    const v = this.optional(section, key);
    return v === undefined
      ? []
      : v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0);
  }

  /** `host:port` (`[::1]:9464` for IPv6; port 0: any free one), or `off`. */
  listen<S extends ConfigSection>(section: S, key: ConfigKey<S>, dflt: string): { host: string; port: number } | undefined {
    const v = this.optional(section, key) ?? dflt;
    if (v.toLowerCase() === 'off') return undefined;
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(v);
    if (!m || Number(m[3]) > 65535) this.fail(section, key, `must be host:port (e.g. ${dflt}) or off (got ${JSON.stringify(v)})`);
    return { host: m[1] ?? m[2], port: Number(m[3]) };
  }

  timezone<S extends ConfigSection>(section: S, key: ConfigKey<S>): string | undefined {
    const v = this.optional(section, key);
    if (v === undefined) return undefined;
    if (!isTimeZone(v)) this.fail(section, key, `is not an IANA time zone such as Europe/Berlin (got ${JSON.stringify(v)})`);
    return v;
  }

  ivr(): Map<string, IvrMenu> {
    const menus = new Map<string, IvrMenu>();
    for (const entry of this.ini.get('ivr')?.values() ?? []) {
      const context = entry.key;
      const comma = entry.value.indexOf(',');
      const id = (comma < 0 ? entry.value : entry.value.slice(0, comma)).trim();
      const name = comma < 0 ? '' : entry.value.slice(comma + 1).trim();
      if (id === '') this.fail('ivr', context, `must be "<ivrId>,<ivrName>" (got ${JSON.stringify(entry.value)})`);
      menus.set(context, { id, name });
    }
    return menus;
  }
}
