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

describe('IPv6 forms that embed an IPv4 address are judged by it (issue 16, defect 5)', () => {
  // Each embeds 127.0.0.1, 10.0.0.1 or 169.254.169.254 in the form's own place.
  it.each([
    ['IPv4-mapped, hex', '::ffff:7f00:1'],
    ['IPv4-translated (SIIT)', '::ffff:0:127.0.0.1'],
    ['IPv4-translated (SIIT), hex', '::ffff:0:a00:1'],
    ['IPv4-compatible', '::127.0.0.1'],
    ['IPv4-compatible, hex', '::a9fe:a9fe'],
    ['6to4', '2002:7f00:1::'],
    ['6to4, with a host part', '2002:a00:1:1::1'],
    ['NAT64 well-known prefix', '64:ff9b::127.0.0.1'],
    ['NAT64 local-use /96', '64:ff9b:1::a00:1'],
    ['NAT64 local-use /48', '64:ff9b:1:7f00:0:100::'],
    ['NAT64 local-use /64', '64:ff9b:1:0:7f:0:1:0'],
    ['Teredo, client 127.0.0.1 (obfuscated)', '2001:0:4136:e378:8000:63bf:80ff:fffe'],
    ['Teredo, server 10.0.0.1', '2001:0:a00:1:8000:63bf:a247:27dd'],
  ])('%s: %s', (_form, ip) => expect(isForbiddenAddress(ip)).toBe(true));

  it.each([
    ['SIIT of a public address', '::ffff:0:93.184.216.34'],
    ['6to4 of a public address', '2002:5db8:d822::1'],
    ['NAT64 of a public address', '64:ff9b::5db8:d822'],
    ['Teredo, public server and client', '2001:0:4136:e378:8000:63bf:a247:27dd'],
  ])('%s: %s is allowed', (_form, ip) => expect(isForbiddenAddress(ip)).toBe(false));

  it('refuses such a URL however its host is written', async () => {
    for (const url of ['http://[::ffff:0:127.0.0.1]/x', 'http://[2002:7f00:1::]/x', 'http://[64:ff9b::7f00:1]/x', 'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/x']) {
      await expect(checkWebhookUrl(url, { allowPrivate: false }), url).rejects.toThrow('private');
    }
  });
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
