import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, isForbiddenAddress } from './ssrf.js';

describe('SSRF address classification', () => {
  it.each([
    '127.0.0.1', '127.255.0.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
    '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::1', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a9fe:a9fe', '::ffff:169.254.169.254', '2001:db8::1',
  ])('refuses %s', (ip) => expect(isForbiddenAddress(ip)).toBe(true));

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:93.184.216.34', '2a00:1450:4001:80b::200e'])('allows %s', (ip) =>
    expect(isForbiddenAddress(ip)).toBe(false),
  );
});

describe('webhook URL check', () => {
  const resolver = async (host: string) => ({ 'crm.example.com': ['93.184.216.34'], 'evil.example.com': ['127.0.0.1'], 'mixed.example.com': ['93.184.216.34', '10.0.0.5'] })[host] ?? [];

  it('accepts a public https URL', async () => {
    expect((await checkWebhookUrl('https://crm.example.com/hooks', { allowPrivate: false, resolver })).hostname).toBe('crm.example.com');
  });

  it.each([
    ['http://127.0.0.1:8080/x', 'private'],
    ['http://[::1]/x', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'private'],
    ['https://evil.example.com/x', 'private'],
    ['https://mixed.example.com/x', 'private'],
    ['https://nowhere.example.com/x', 'resolves to nothing'],
    ['ftp://crm.example.com/x', 'http or https'],
    ['https://user:pw@crm.example.com/x', 'credentials'],
    ['not a url', 'not a valid URL'],
  ])('refuses %s', async (url, why) => {
    await expect(checkWebhookUrl(url, { allowPrivate: false, resolver })).rejects.toThrow(why);
  });

  it('lets local deployments use private addresses when allowed', async () => {
    expect((await checkWebhookUrl('http://127.0.0.1:9000/x', { allowPrivate: true })).port).toBe('9000');
  });
});
