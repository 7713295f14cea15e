/**
 * Keeping webhook deliveries off internal networks (SSRF). A webhook URL whose
 * host resolves to a loopback, private, link-local, carrier-grade NAT,
 * multicast, reserved or cloud-metadata address is refused when it is created,
 * and again at every delivery: the check runs inside the HTTP client's DNS
 * look-up, on the address actually connected to, so a name that changes its
 * answer after creation (DNS rebinding) is caught too.
 * An IPv6 address that embeds an IPv4 one (mapped, translated, compatible,
 * NAT64, 6to4, Teredo) is judged by the IPv4 address inside.
 * `ALLOW_PRIVATE_WEBHOOKS=1` lifts this, for local and test deployments only.
 */

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';

/** [first, last] IPv4 ranges as 32-bit numbers. */
const V4_FORBIDDEN: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
}

function v4Forbidden(ip: string): boolean {
  const n = v4ToInt(ip);
  return V4_FORBIDDEN.some(([base, bits]) => {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (n & mask) >>> 0 === (v4ToInt(base) & mask) >>> 0;
  });
}

/** Sixteen bytes of an IPv6 address (with an embedded IPv4 tail if any). */
function v6Bytes(ip: string): number[] {
  let addr = ip.split('%')[0];
  let tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
  if (v4) {
    tail = v4[1].split('.').map(Number);
    addr = addr.slice(0, -v4[1].length) + '0:0';
  }
  const [head, rest] = addr.split('::');
  const parse = (s: string) => (s ? s.split(':').map((h) => parseInt(h, 16)) : []);
  const h = parse(head);
  const r = rest === undefined ? [] : parse(rest);
  const groups = rest === undefined ? h : [...h, ...Array(8 - h.length - r.length).fill(0), ...r];
  const bytes = groups.flatMap((g) => [(g >> 8) & 0xff, g & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

type Bytes = readonly number[];
const zero = (b: Bytes, from: number, to: number) => b.slice(from, to).every((x) => x === 0);
const starts = (b: Bytes, prefix: Bytes) => prefix.every((x, i) => b[i] === x);
const pick = (b: Bytes, at: readonly number[]) => at.map((i) => b[i]);

/**
 * IPv6 forms that carry an IPv4 address, and where it sits: such an address
 * reaches (or is translated to) the IPv4 host inside, so it is judged by that
 * host. A form may name several places (NAT64 local-use prefixes of any
 * RFC 6052 length, Teredo's server and client): any forbidden one refuses it.
 */
const EMBEDDED_V4: ReadonlyArray<{ form: string; matches: (b: Bytes) => boolean; places: (b: Bytes) => Bytes[] }> = [
  // ::ffff:a.b.c.d (RFC 4291)
  { form: 'IPv4-mapped', matches: (b) => zero(b, 0, 10) && b[10] === 0xff && b[11] === 0xff, places: (b) => [b.slice(12)] },
  // ::ffff:0:a.b.c.d (RFC 2765, SIIT)
  { form: 'IPv4-translated', matches: (b) => zero(b, 0, 8) && b[8] === 0xff && b[9] === 0xff && zero(b, 10, 12), places: (b) => [b.slice(12)] },
  // ::a.b.c.d (deprecated, RFC 4291)
  { form: 'IPv4-compatible', matches: (b) => zero(b, 0, 12), places: (b) => [b.slice(12)] },
  // 64:ff9b::/96 (RFC 6052)
  { form: 'NAT64 well-known prefix', matches: (b) => starts(b, [0x00, 0x64, 0xff, 0x9b]) && zero(b, 4, 12), places: (b) => [b.slice(12)] },
  // 64:ff9b:1::/48 (RFC 8215), with the IPv4 placed for a /48, /56, /64 or /96 prefix (byte 8 is RFC 6052's reserved octet)
  {
    form: 'NAT64 local-use prefix',
    matches: (b) => starts(b, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01]),
    places: (b) => [pick(b, [6, 7, 9, 10]), pick(b, [7, 9, 10, 11]), pick(b, [9, 10, 11, 12]), b.slice(12)],
  },
  // 2002:a.b.c.d::/48 (RFC 3056)
  { form: '6to4', matches: (b) => b[0] === 0x20 && b[1] === 0x02, places: (b) => [b.slice(2, 6)] },
  // 2001:0:<server>:<flags>:<port ^ ffff>:<client ^ ffffffff> (RFC 4380)
  { form: 'Teredo', matches: (b) => starts(b, [0x20, 0x01, 0x00, 0x00]), places: (b) => [b.slice(4, 8), b.slice(12).map((x) => x ^ 0xff)] },
];

function v6Forbidden(ip: string): boolean {
  const b = v6Bytes(ip);
  if (zero(b, 0, 16)) return true; // ::
  if (zero(b, 0, 15) && b[15] === 1) return true; // ::1
  const embedding = EMBEDDED_V4.find((e) => e.matches(b));
  if (embedding) return embedding.places(b).some((v4) => v4Forbidden(v4.join('.')));
  if ((b[0] & 0xfe) === 0xfc) return true; // fc00::/7 unique local (fd00:ec2::254 metadata included)
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) return true; // fe80::/10 link-local
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0xc0) return true; // fec0::/10 site-local (deprecated)
  if (b[0] === 0xff) return true; // multicast
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return true; // 2001:db8::/32 documentation
  return false;
}

/** True for an address a webhook must never reach. */
export function isForbiddenAddress(ip: string): boolean {
  const kind = isIP(ip.split('%')[0]);
  if (kind === 4) return v4Forbidden(ip);
  if (kind === 6) return v6Forbidden(ip);
  return true; // not an address at all
}

export type Resolver = (host: string) => Promise<string[]>;

/** The system resolver (getaddrinfo), all addresses. */
export const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses: LookupAddress[]) => (err ? reject(err) : resolve(addresses.map((a) => a.address)))),
  );

export class WebhookUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookUrlError';
  }
}

/** Check a webhook URL (scheme, host, the addresses it resolves to). */
export async function checkWebhookUrl(raw: string, opts: { allowPrivate: boolean; resolver?: Resolver }): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlError('url: not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WebhookUrlError('url: must be http or https');
  if (url.username || url.password) throw new WebhookUrlError('url: credentials in the URL are not allowed (use the signature)');
  if (raw.length > 2048) throw new WebhookUrlError('url: at most 2048 characters');
  if (opts.allowPrivate) return url;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await (opts.resolver ?? systemResolver)(host);
  } catch {
    throw new WebhookUrlError(`url: host ${host} does not resolve`);
  }
  const bad = addresses.find(isForbiddenAddress);
  if (bad || addresses.length === 0) throw new WebhookUrlError(`url: ${host} resolves to ${bad ?? 'nothing'}, a private or reserved address`);
  return url;
}

/**
 * A `lookup` for http.request that refuses forbidden addresses at connect
 * time (so the address checked is the address used).
 */
export function guardedLookup(opts: { allowPrivate: boolean; resolver?: Resolver }) {
  return (hostname: string, options: unknown, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void): void => {
    const wantAll = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    const host = hostname.replace(/^\[(.*)\]$/, '$1');
    const resolve = isIP(host) ? Promise.resolve([host]) : (opts.resolver ?? systemResolver)(host);
    resolve.then(
      (addresses) => {
        const usable = opts.allowPrivate ? addresses : addresses.filter((a) => !isForbiddenAddress(a));
        if (usable.length === 0) {
          callback(new WebhookUrlError(`${host} resolves only to private or reserved addresses (${addresses.join(', ') || 'none'})`), '', 0);
          return;
        }
        if (wantAll) callback(null, usable.map((a) => ({ address: a, family: isIP(a) })));
        else callback(null, usable[0], isIP(usable[0]));
      },
      (err: Error) => callback(err, '', 0),
    );
  };
}
