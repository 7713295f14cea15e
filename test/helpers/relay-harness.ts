/**
 * Runs a relay in this process against given AMI and receiver ports, with a
 * fresh data directory. Real sockets everywhere; only the process is shared.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type RelayConfig } from '../../edge-relay/src/config/config.js';
import { startRelay, type Relay } from '../../edge-relay/src/relay.js';
import type { Clock } from '../../protocol/src/clock.js';
import type { HttpTimeouts } from '../../protocol/src/http/timeouts.js';
import { createLogger, type Logger } from '../../protocol/src/log.js';
import { FIXTURES } from './recordings.js';

export function tempDir(prefix = 'relay-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Replace `key = …` lines inside `[section]` (adding them when missing). */
export function setConf(text: string, section: string, values: Record<string, string | number>): string {
  const lines = text.split('\n');
  let start = lines.findIndex((l) => l.trim().toLowerCase() === `[${section.toLowerCase()}]`);
  if (start < 0) {
    lines.push(`[${section}]`);
    start = lines.length - 1;
  }
  let end = lines.findIndex((l, i) => i > start && l.trim().startsWith('['));
  if (end < 0) end = lines.length;
  for (const [key, value] of Object.entries(values)) {
    const i = lines.findIndex((l, j) => j > start && j < end && l.split('=')[0].trim().toLowerCase() === key.toLowerCase());
    if (i >= 0) lines[i] = `${key} = ${value}`;
    else {
      lines.splice(end, 0, `${key} = ${value}`);
      end++;
    }
  }
  return lines.join('\n');
}

export function expectedConf(name: 'api.conf' | 'api-pjsip.conf'): string {
  return readFileSync(join(FIXTURES, 'expected', name), 'utf8');
}

export const quietLogger: Logger = createLogger({ level: (process.env.TEST_LOG_LEVEL as 'debug') ?? 'error' });

/**
 * `clock`: the relay's every timer and timestamp (a ManualClock lets a test
 * move time itself). Health and metrics listen on a free port unless the
 * configuration says otherwise: tests run many relays at once.
 */
export async function startTestRelay(confText: string, opts: { dataDir?: string; tunnelMaxAgeMs?: number; clock?: Clock; logger?: Logger; httpTimeouts?: Partial<HttpTimeouts> } = {}): Promise<Relay> {
  if (!/^\s*\[metrics\]/im.test(confText)) confText = setConf(confText, 'metrics', { listen: '127.0.0.1:0' });
  const config: RelayConfig = parseConfig(confText, 'test-api.conf');
  return startRelay(config, {
    logger: opts.logger ?? quietLogger,
    httpTimeouts: opts.httpTimeouts,
    clock: opts.clock,
    dataDir: opts.dataDir ?? tempDir(),
    amiRetry: () => 50,
    pushRetry: () => 50,
    tunnelMaxAgeMs: opts.tunnelMaxAgeMs,
  });
}
