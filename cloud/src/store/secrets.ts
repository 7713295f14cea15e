/**
 * Secrets of the cloud: tenant API keys and relay tokens are random, shown
 * once, and stored only as SHA-256 hashes (they are 256-bit random values, so
 * a fast hash is enough: there is nothing to brute-force). Every comparison is
 * constant-time.
 *
 * The one exception is a site's WEBKEY: the box's scheme sends
 * md5(WEBKEY + date), which can only be checked by someone who knows WEBKEY.
 * It is therefore stored encrypted (AES-256-GCM) under a server key, never in
 * clear.
 */

import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isId } from './ids.js';

export { randomId } from './ids.js';

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ab.length === bb.length && ab.length > 0 && timingSafeEqual(ab, bb);
}

/** Constant-time check of a presented secret against a stored hash. */
export function verifySecret(presented: string, storedHash: string): boolean {
  return sameHash(hashSecret(presented), storedHash);
}

/**
 * Credentials carry the id they belong to, so a look-up needs no index:
 * `ck.<tenantId>.<secret>` (an older tenant's one API key; named keys add
 * their key id, store/api-keys.ts), `rt.<siteId>.<secret>` (relay token).
 */
export function makeCredential(kind: 'ck' | 'rt', id: string): { token: string; hash: string } {
  const secret = randomSecret();
  return { token: `${kind}.${id}.${secret}`, hash: hashSecret(secret) };
}

const SECRET = /^[A-Za-z0-9_-]{16,128}$/;

/** The id and secret of a credential; undefined unless both have their shape (so nothing is looked up for it). */
export function parseCredential(kind: 'ck' | 'rt', token: string): { id: string; secret: string } | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[0] !== kind) return undefined;
  if (!isId(kind === 'ck' ? 'tenant' : 'site', parts[1]) || !SECRET.test(parts[2])) return undefined;
  return { id: parts[1], secret: parts[2] };
}

/** Encrypts site WEBKEYs at rest. The key comes from configuration (32 bytes, base64). */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('secret box key must be 32 bytes');
    this.key = key;
  }

  static fromBase64(b64: string): SecretBox {
    return new SecretBox(Buffer.from(b64, 'base64'));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1.${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${data.toString('base64url')}`;
  }

  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1') throw new Error('unknown sealed secret version');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}
