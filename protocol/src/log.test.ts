/**
 * What a log line says about an error, and the two formats: real failures
 * (a refused connection on loopback, a timeout, a bug's TypeError) logged
 * through the real logger.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogFormat, type LogLevel } from './log.js';

function logged(level: LogLevel, format: LogFormat = 'json') {
  const lines: string[] = [];
  const logger = createLogger({ level, format, write: (l) => lines.push(l), now: () => Date.UTC(2026, 4, 4, 9, 12, 3, 120), fields: { service: 'relay' } });
  return { logger, lines, json: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

async function fetchFailure(): Promise<Error> {
  const port = await closedPort();
  return fetch(`http://127.0.0.1:${port}/`).then(
    () => {
      throw new Error('expected the fetch to fail');
    },
    (err: Error) => err,
  );
}

class TypedError extends Error {
  readonly code = 'AMI_TIMEOUT';
  readonly recoverable = true;
  constructor(readonly action: string) {
    super(`${action} timed out`);
    this.name = 'TypedError';
  }
}

describe('errors in log lines', () => {
  it('"fetch failed" says why: the cause chain, with its code and address; no stack at info (an expected failure)', async () => {
    const err = await fetchFailure();
    const { logger, json } = logged('info');
    logger.warn('event receiver unreachable; retrying', { error: err });
    const [line] = json();
    expect(line.error).toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1' } });
    expect(line.error.cause.message).toMatch(/ECONNREFUSED 127\.0\.0\.1:\d+/);
    expect(JSON.stringify(line)).not.toContain('"stack"');
  });

  it('at debug level an expected error carries its stack and its cause\'s', async () => {
    const err = await fetchFailure();
    const { logger, json } = logged('debug');
    logger.warn('event receiver unreachable; retrying', { error: err });
    const [line] = json();
    expect(line.error.stack).toMatch(/^TypeError: fetch failed\n\s+at /);
    expect(line.error.cause.stack).toContain('ECONNREFUSED');
  });

  it('a typed error keeps its code, recoverable and details; a timeout (DOMException) counts as expected', async () => {
    const { logger, json } = logged('info');
    logger.warn('action failed', { error: new TypedError('QueueStatus') });
    const timeout = await fetch(`http://127.0.0.1:${await hangingPort()}/`, { signal: AbortSignal.timeout(50) }).catch((e: Error) => e);
    logger.warn('receiver slow', { error: timeout });
    const [typed, slow] = json();
    expect(typed.error).toEqual({ name: 'TypedError', message: 'QueueStatus timed out', code: 'AMI_TIMEOUT', recoverable: true, action: 'QueueStatus' });
    expect(slow.error).toMatchObject({ name: 'TimeoutError', code: 23 });
    expect(slow.error.stack).toBeUndefined();
  });

  it('an unexpected error (a bug) carries its stack at every level, and the whole chain down to a non-error cause', () => {
    let bug: Error | undefined;
    try {
      (null as unknown as { x: number }).x;
    } catch (err) {
      bug = err as Error;
    }
    const wrapped = new Error('mapping failed', { cause: new Error('inner', { cause: 'the root reason' }) });
    const { logger, json } = logged('error');
    logger.error('handler failed', { error: bug });
    logger.error('pipeline failed', { error: wrapped });
    const [first, second] = json();
    expect(first.error.name).toBe('TypeError');
    expect(first.error.stack).toMatch(/^TypeError: Cannot read properties of null/);
    expect(second.error).toMatchObject({ message: 'mapping failed', stack: expect.stringContaining('log.test.ts'), cause: { message: 'inner', cause: 'the root reason' } });
  });

  it('keeps the first few errors of an AggregateError', () => {
    const { logger, json } = logged('info');
    const agg = new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:80'), { code: 'ECONNREFUSED' }), Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:80'), { code: 'ECONNREFUSED' })], 'all failed');
    logger.warn('connect failed', { error: agg });
    expect(json()[0].error.errors.map((e: { message: string }) => e.message)).toEqual(['connect ECONNREFUSED ::1:80', 'connect ECONNREFUSED 127.0.0.1:80']);
  });
});

describe('LOG_FORMAT=pretty', () => {
  it('prints time, level, who, the message, then key=value, quoting what needs it', () => {
    const { logger, lines } = logged('info', 'pretty');
    logger.child({ component: 'lan-push' }).warn('event receiver refused an event; retrying', { status: 503, seq: 12, url: 'http://crm.lan/events', note: 'two words', ok: false, nested: { a: 1 } });
    logger.info('started');
    expect(lines).toEqual([
      '2026-05-04T09:12:03.120Z WARN  relay/lan-push  event receiver refused an event; retrying  status=503 seq=12 url=http://crm.lan/events note="two words" ok=false nested="{\\"a\\":1}"',
      '2026-05-04T09:12:03.120Z INFO  relay  started',
    ]);
  });

  it('gives an error its cause chain in one value, and an unexpected one its stack on the lines below', async () => {
    const err = await fetchFailure();
    const { logger, lines } = logged('info', 'pretty');
    logger.warn('event receiver unreachable; retrying', { error: err });
    expect(lines[0]).toMatch(/^2026-05-04T09:12:03\.120Z WARN {2}relay {2}event receiver unreachable; retrying {2}error="fetch failed \(cause: connect ECONNREFUSED 127\.0\.0\.1:\d+ \[ECONNREFUSED\]\)"$/);
    logger.error('handler failed', { error: new Error('boom', { cause: new Error('root') }) });
    const [head, ...stack] = lines[1].split('\n');
    expect(head).toBe('2026-05-04T09:12:03.120Z ERROR relay  handler failed  error="boom (cause: root)"');
    expect(stack[0]).toBe('    Error: boom');
    expect(stack[1]).toMatch(/^ {4}at /);
    expect(stack).toContain('    caused by: Error: root');
  });
});

/** A loopback port that accepts connections and never answers. */
async function hangingPort(): Promise<number> {
  const srv = net.createServer((socket) => socket.on('error', () => undefined));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  srv.unref();
  return (srv.address() as net.AddressInfo).port;
}
