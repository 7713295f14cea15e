/**
 * `coocenter-relay check-config`: the effective settings, defaults filled in,
 * in api.conf's own form (so they read like the file), with every secret
 * masked: the output is meant to be pasted into a support ticket.
 */

import type { RelayConfig } from './config.js';
import { CONFIG_KEYS, type ConfigKey, type ConfigSection } from './keys.js';

export const MASK = '********';

type Described = { [S in ConfigSection]: Array<[ConfigKey<S>, string | undefined, string?]> };

/** Secrets show only whether they are set. */
const secret = (v: string | undefined) => (v === undefined ? undefined : MASK);

/** Each key's effective value; undefined = not set. The third column is a note. */
/** `dataDirFromEnv`: the data directory came from env DATA_DIR (the entry point knows; this module reads no environment). */
export function effectiveSettings(c: RelayConfig, dataDir: string, dataDirFromEnv = false): Described {
  return {
    general: [
      ['bindport', String(c.general.bindPort)],
      ['bindaddr', c.general.bindAddress],
      ['url', c.general.url, c.general.url ? undefined : 'no LAN push'],
      ['webkey', secret(c.general.webkey), c.general.webkey ? undefined : 'authentication off'],
      ['mac', c.general.mac],
      ['pop_url', c.general.popUrl],
      ['data_dir', dataDir, dataDir === c.general.dataDir ? undefined : dataDirFromEnv ? 'from DATA_DIR' : 'the default'],
    ],
    enable: [
      ['pausetime', c.enable.pausetime ? 'yes' : 'no'],
      ['wrapup_seconds', String(c.enable.wrapupSeconds)],
    ],
    ami: [
      ['host', c.ami.host],
      ['port', String(c.ami.port)],
      ['username', c.ami.username],
      ['secret', MASK],
      ['auth', c.ami.authType],
      ['tech', c.ami.tech, c.ami.tech === 'auto' ? 'chan_sip if Asterisk has it, else chan_pjsip (asked after each login)' : undefined],
      ['context', c.ami.context],
      ['timeout_ms', String(c.ami.timeoutMs)],
    ],
    cloud: [
      ['url', c.cloud?.url, c.cloud ? undefined : 'LAN only'],
      ['token', secret(c.cloud?.token)],
      ['backfill', c.cloud ? (c.cloud.backfill ? 'yes' : 'no') : undefined, c.cloud?.backfill ? 'the events already spooled are uploaded too' : undefined],
    ],
    metrics: [['listen', c.metrics.listen ? hostPort(c.metrics.listen) : 'off', c.metrics.listen ? '/healthz, /readyz, /metrics' : 'no health or metrics endpoint']],
    pbx: [
      ['blacklist_family', c.pbx.blacklistFamily],
      ['monitor_dir', c.pbx.monitorDir],
      ['trunks', c.pbx.trunks.join(', ') || undefined],
      ['inbound_contexts', c.pbx.inboundContexts.join(', ') || undefined],
      ['feedback_context', c.pbx.feedbackContext],
      ['timezone', c.pbx.timezone, c.pbx.timezone ? undefined : `the host's (${Intl.DateTimeFormat().resolvedOptions().timeZone})`],
      ['cdr_csv', c.pbx.cdrCsv, c.pbx.cdrCsv ? undefined : 'cdr of calls missed while the relay was not listening are not recovered'],
      ['queue_log', c.pbx.queueLog, c.pbx.queueLog ? undefined : 'cc_cdr of calls missed while the relay was not listening are not recovered'],
    ],
  };
}

/** `127.0.0.1:9464`, `[::1]:9464`. */
export function hostPort(l: { host: string; port: number }): string {
  return `${l.host.includes(':') ? `[${l.host}]` : l.host}:${l.port}`;
}

export function describeConfig(c: RelayConfig, dataDir: string, dataDirFromEnv = false): string {
  const lines = [`; ${c.file}: valid. Effective settings, defaults filled in, secrets masked.`];
  for (const [section, rows] of Object.entries(effectiveSettings(c, dataDir, dataDirFromEnv))) {
    lines.push(`[${section}]`);
    for (const [lower, value, note] of rows as Array<[string, string | undefined, string?]>) {
      // Spelled as documented (the box's own keys in capitals).
      const key = CONFIG_KEYS[section as ConfigSection].find((k) => k.toLowerCase() === lower) ?? lower;
      lines.push(`${value === undefined ? `; ${key} =` : `${key} = ${value}`}${note ? `    ; ${note}` : value === undefined ? '    ; not set' : ''}`);
    }
  }
  lines.push('[ivr]');
  for (const [context, menu] of c.ivr) lines.push(`${context} = ${menu.id},${menu.name}`);
  return lines.join('\n') + '\n';
}
