/**
 * One settings parser for both runtimes: the local server's variables get
 * the same checks and messages as the Lambda functions' (which
 * test/lambda/entries.test.ts covers), with the local server's defaults.
 */
import { describe, expect, it } from 'vitest';
import { localSettings } from './local/settings.js';
import { ConfigError } from './settings.js';

/** A ConfigError naming `variable`, with this message when given. */
const refused = (variable: string, message?: string) => expect.objectContaining({ name: ConfigError.name, variable, ...(message ? { message } : {}) });

describe('the local server\'s settings', () => {
  it('default to a server on 127.0.0.1:8787 with its data under the working directory', () => {
    expect(localSettings({}, '/srv/cc')).toEqual({
      port: 8787,
      host: '127.0.0.1',
      dataDir: '/srv/cc/.data/cloud',
      useAws: false,
      tablePrefix: 'coocenter',
      commandTimeoutMs: 12_000,
      allowPrivateWebhooks: false,
      logLevel: 'info',
      logFormat: 'json',
    });
  });

  it('take what is given; blank counts as not given', () => {
    const s = localSettings({ PORT: '0', HOST: '0.0.0.0', COMMAND_TIMEOUT_MS: '60000', EVENT_RETENTION_DAYS: '7', ALLOW_PRIVATE_WEBHOOKS: '1', USE_AWS: 'true', ADMIN_TOKEN: '  ', LOG_LEVEL: 'warn', METRICS_TOKEN: 'mt-1' }, '/x');
    expect(s).toMatchObject({ port: 0, host: '0.0.0.0', commandTimeoutMs: 60_000, eventRetentionDays: 7, allowPrivateWebhooks: true, useAws: true, logLevel: 'warn', metricsToken: 'mt-1' });
    // API Gateway's cap is the Lambda's business: a local server may wait longer.
    expect(s.adminToken).toBeUndefined();
  });

  it('refuse a malformed value naming the variable, as the Lambda functions do', () => {
    expect(() => localSettings({ PORT: 'abc' })).toThrow(refused('PORT', 'PORT must be a whole number from 0 to 65535 (got "abc")'));
    expect(() => localSettings({ PORT: '70000' })).toThrow(refused('PORT'));
    expect(() => localSettings({ COMMAND_TIMEOUT_MS: '12s' })).toThrow(refused('COMMAND_TIMEOUT_MS', 'COMMAND_TIMEOUT_MS must be a whole number of milliseconds, at least 100 (got "12s")'));
    expect(() => localSettings({ EVENT_RETENTION_DAYS: '0' })).toThrow(refused('EVENT_RETENTION_DAYS'));
    expect(() => localSettings({ SECRETS_KEY: 'c2hvcnQ=' })).toThrow(refused('SECRETS_KEY', 'SECRETS_KEY must be base64 of exactly 32 bytes'));
    expect(() => localSettings({ DYNAMODB_ENDPOINT: 'localhost:8000' })).toThrow(refused('DYNAMODB_ENDPOINT', 'DYNAMODB_ENDPOINT must be an http(s) URL (got "localhost:8000")'));
    expect(() => localSettings({ LOG_LEVEL: 'verbose' })).toThrow(refused('LOG_LEVEL'));
    expect(() => localSettings({ LOG_FORMAT: 'text' })).toThrow(refused('LOG_FORMAT', 'LOG_FORMAT must be json or pretty (got "text")'));
  });

  it('take the command line over the environment, checked the same way and named as written', () => {
    const flags = { PORT: { value: '9000', from: '--port' }, DATA_DIR: { value: '/data', from: '--data-dir' } };
    expect(localSettings({ PORT: '8000', DATA_DIR: '/env', HOST: '0.0.0.0' }, '/x', flags)).toMatchObject({ port: 9000, dataDir: '/data', host: '0.0.0.0' });
    expect(() => localSettings({ PORT: '8000' }, '/x', { PORT: { value: 'abc', from: '--port' } })).toThrow(refused('PORT', '--port must be a whole number from 0 to 65535 (got "abc")'));
  });
});
