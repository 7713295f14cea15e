/**
 * How an error appears in a log line (log.ts): what an operator needs to act,
 * the whole cause chain (`fetch failed` says why), and the stack when it
 * helps. The rule:
 *
 * - an *expected* error — one the program is built to meet (a peer down, a
 *   timeout, bad input): it or an error in its cause chain carries a stable
 *   `code` or says whether it is `recoverable` — is logged with name,
 *   message, code, its plain details and its causes; its stack only when the
 *   logger is at debug level;
 * - any other error (a TypeError from a bug, a bare Error) is *unexpected*:
 *   its stack is always there, at any level.
 */

/** An error as it appears in a log line. */
export interface ErrorRecord {
  name: string;
  message: string;
  /** Stable code, recoverable, status, and the error's other plain properties (syscall, address, port, action…). */
  [detail: string]: unknown;
  stack?: string;
  cause?: ErrorRecord | unknown;
  /** An AggregateError's errors (the first few). */
  errors?: ErrorRecord[];
}

const errorRecords = new WeakSet<object>();

/** Whether a logged value is an error (for formatters). */
export function isErrorRecord(value: unknown): value is ErrorRecord {
  return typeof value === 'object' && value !== null && errorRecords.has(value);
}

const MAX_CHAIN = 5;

/**
 * Whether an error is one the program is built to meet: it, or an error in
 * its cause chain, carries a stable `code` (our typed errors; Node's system
 * errors such as ECONNREFUSED, the cause inside fetch's "fetch failed"; a
 * DOMException such as TimeoutError) or says whether it is `recoverable`.
 * Anything else (a TypeError from a bug, a bare Error) is unexpected.
 */
export function isExpectedError(err: Error, depth = 0): boolean {
  const e = err as Error & { code?: unknown; recoverable?: unknown };
  if (typeof e.code === 'string' || typeof e.code === 'number' || typeof e.recoverable === 'boolean') return true;
  return depth < MAX_CHAIN && e.cause instanceof Error && isExpectedError(e.cause, depth + 1);
}

/**
 * An error with what an operator needs: name, message, code and the error's
 * plain details, the whole cause chain, and the stack — always for an
 * unexpected error, only at debug level for an expected one (a peer down or a
 * timeout needs no stack trace at info).
 */
export function serialiseError(err: Error, withStack: boolean, depth = 0): ErrorRecord {
  const e = err as Error & Record<string, unknown>;
  const out: ErrorRecord = { name: err.name, message: err.message };
  // `code` may be a getter (DOMException): read it, do not only copy own keys.
  for (const key of ['code', 'recoverable', 'status'] as const) if (isPlain(e[key])) out[key] = e[key];
  for (const [key, value] of Object.entries(e)) if (!(key in out) && key !== 'cause' && key !== 'errors' && isPlain(value)) out[key] = value;
  if (withStack && err.stack) out.stack = err.stack;
  if (e.cause !== undefined) {
    out.cause = e.cause instanceof Error ? (depth < MAX_CHAIN ? serialiseError(e.cause, withStack, depth + 1) : { name: e.cause.name, message: e.cause.message }) : plainValue(e.cause);
  }
  if (Array.isArray(e.errors) && depth < MAX_CHAIN) out.errors = e.errors.filter((x): x is Error => x instanceof Error).slice(0, 3).map((x) => serialiseError(x, withStack, depth + 1));
  errorRecords.add(out);
  return out;
}

function isPlain(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function plainValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' || typeof v === 'symbol' || typeof v === 'function' ? String(v) : v;
  try {
    return JSON.parse(JSON.stringify(v)) as unknown;
  } catch {
    return String(v);
  }
}
