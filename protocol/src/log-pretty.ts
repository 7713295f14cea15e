/**
 * `LOG_FORMAT=pretty`: one log record as a line a person reads at a terminal
 * (`npm start`, a relay run by hand) —
 *
 *   2026-05-04T09:12:03.120Z WARN  relay/lan-push  event receiver unreachable; retrying  seq=12 error="fetch failed (cause: connect ECONNREFUSED 127.0.0.1:9 [ECONNREFUSED])"
 *
 * time, level, who wrote it (service/component), the message, then the other
 * fields as key=value (quoted when they hold spaces or quotes). An error's
 * stack, when the record has one, follows on indented lines.
 */

import { isErrorRecord, type ErrorRecord } from './log-error.js';

const SHOWN = new Set(['time', 'level', 'msg', 'service', 'component']);

export function prettyLine(record: Record<string, unknown>): string {
  const who = [record.service, record.component].filter((x) => typeof x === 'string' && x !== '').join('/');
  const pairs: string[] = [];
  const stacks: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (SHOWN.has(key) || value === undefined) continue;
    if (isErrorRecord(value)) {
      pairs.push(`${key}=${quote(summary(value))}`);
      stacks.push(...stackLines(value));
    } else {
      pairs.push(`${key}=${quote(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)))}`);
    }
  }
  const head = [String(record.time), String(record.level).toUpperCase().padEnd(5), who, String(record.msg)].filter((x) => x !== '');
  const line = `${head.slice(0, 2).join(' ')} ${head.slice(2).join('  ')}${pairs.length ? `  ${pairs.join(' ')}` : ''}`;
  return [line, ...stacks].join('\n');
}

/** `message [code] (cause: …)`, down the chain. */
function summary(err: ErrorRecord): string {
  const own = `${err.message || err.name}${err.code !== undefined ? ` [${String(err.code)}]` : ''}`;
  if (isErrorRecord(err.cause)) return `${own} (cause: ${summary(err.cause)})`;
  if (err.cause !== undefined) return `${own} (cause: ${typeof err.cause === 'string' ? err.cause : JSON.stringify(err.cause)})`;
  if (err.errors?.length) return `${own} (${err.errors.map(summary).join('; ')})`;
  return own;
}

function stackLines(err: ErrorRecord, prefix = ''): string[] {
  const own = err.stack ? err.stack.split('\n').map((l, i) => `    ${i === 0 ? prefix : ''}${l.trim()}`) : [];
  return isErrorRecord(err.cause) ? [...own, ...stackLines(err.cause, 'caused by: ')] : own;
}

function quote(text: string): string {
  return text !== '' && /^[^\s"=\\]+$/.test(text) ? text : JSON.stringify(text);
}
