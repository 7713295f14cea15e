/**
 * One settings parser for both runtimes: the local server's variables get
 * the same checks and messages as the Lambda functions' (which
 * test/lambda/entries.test.ts covers), with the local server's defaults.
 */
import { describe, expect, it } from 'vitest';
import { localSettings } from './local/settings.js';
import { ConfigError } from './settings.js';

const thrown = (f: () => unknown): ConfigError => {
  try {
    f();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('no ConfigError');
};

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
    });
  });

  it('take what is given; blank counts as not given', () => {
    const s = localSettings({ PORT: '0', HOST: '0.0.0.0', COMMAND_TIMEOUT_MS: '60000', EVENT_RETENTION_DAYS: '7', ALLOW_PRIVATE_WEBHOOKS: '1', USE_AWS: 'true', ADMIN_TOKEN: '  ', LOG_LEVEL: 'warn' }, '/x');
    expect(s).toMatchObject({ port: 0, host: '0.0.0.0', commandTimeoutMs: 60_000, eventRetentionDays: 7, allowPrivateWebhooks: true, useAws: true, logLevel: 'warn' });
    // API Gateway's cap is the Lambda's business: a local server may wait longer.
    expect(s.adminToken).toBeUndefined();
  });

  it('refuse a malformed value naming the variable, as the Lambda functions do', () => {
    expect(thrown(() => localSettings({ PORT: 'abc' }))).toMatchObject({ variable: 'PORT', message: 'PORT must be a whole number from 0 to 65535 (got "abc")' });
    expect(thrown(() => localSettings({ PORT: '70000' })).variable).toBe('PORT');
    expect(thrown(() => localSettings({ COMMAND_TIMEOUT_MS: '12s' })).message).toBe('COMMAND_TIMEOUT_MS must be a whole number of milliseconds, at least 100 (got "12s")');
    expect(thrown(() => localSettings({ EVENT_RETENTION_DAYS: '0' })).variable).toBe('EVENT_RETENTION_DAYS');
    expect(thrown(() => localSettings({ SECRETS_KEY: 'c2hvcnQ=' })).message).toBe('SECRETS_KEY must be base64 of exactly 32 bytes');
    expect(thrown(() => localSettings({ DYNAMODB_ENDPOINT: 'localhost:8000' })).message).toBe('DYNAMODB_ENDPOINT must be an http(s) URL (got "localhost:8000")');
    expect(thrown(() => localSettings({ LOG_LEVEL: 'verbose' })).variable).toBe('LOG_LEVEL');
  });
});
