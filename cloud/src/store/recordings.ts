/**
 * Recordings on AWS go through S3, never through the tunnel: a Lambda answer
 * is limited to 6 MB and API Gateway's frames to 32 KB. For each request the
 * cloud presigns a PUT for the relay (sent in the `command` frame) and, once
 * the relay says it uploaded, answers the caller with a redirect to a
 * presigned GET. Both URLs act with the HTTP function's own rights
 * (s3:PutObject, s3:GetObject on the bucket); nothing is public.
 *
 *   recordings/<siteId>/<commandId>/<file name>
 *
 * One object per request: a recording may still be growing, so an earlier
 * upload is never served again. The bucket's lifecycle rule deletes them.
 *
 * Presigning is pure computation: the SDK's S3RequestPresigner signs a
 * request we describe, without the S3 client (a third of the HTTP function's
 * bundle and a seventh of its cold start, for nothing it would send). The
 * URLs are the ones the S3 client's getSignedUrl would give (a test holds
 * them equal, byte for byte).
 */

import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';

/** How long the caller's redirect stays valid. */
export const DOWNLOAD_URL_SEC = 300;

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RecordingBucketOptions {
  bucket: string;
  region: string;
  /** A local S3-compatible server (bucket in the path); undefined: AWS's regional endpoint. */
  endpoint?: string;
  /** The function's credentials (the same provider its other AWS clients use). */
  credentials: () => Promise<Credentials>;
}

/** SHA-256 and HMAC-SHA256 in the shape the SDK's signer takes. */
class Sha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

function toBytes(d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof d === 'string') return d;
  return ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);
}

/** RFC 3986, as S3 and the SDK encode path segments and query values. */
const escape = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export class RecordingBucket {
  private readonly presigner: S3RequestPresigner;
  private readonly target: { protocol: string; hostname: string; port?: number; prefix: string };

  constructor(private readonly opts: RecordingBucketOptions) {
    this.presigner = new S3RequestPresigner({ credentials: opts.credentials, region: opts.region, sha256: Sha256 });
    if (opts.endpoint) {
      // Local servers answer on one host name: bucket in the path.
      const u = new URL(opts.endpoint);
      this.target = { protocol: u.protocol, hostname: u.hostname, port: u.port ? Number(u.port) : undefined, prefix: `/${escape(opts.bucket)}` };
    } else {
      this.target = { protocol: 'https:', hostname: `${opts.bucket}.s3.${opts.region}.amazonaws.com`, prefix: '' };
    }
  }

  key(siteId: string, commandId: string, path: string): string {
    const name = path.split('/').pop() || 'recording';
    return `recordings/${siteId}/${commandId}/${name}`;
  }

  /** Where the relay PUTs the file (only the host is signed: the relay sets its own content type). */
  uploadUrl(key: string, validSec: number): Promise<string> {
    return this.sign('PUT', key, { 'x-id': 'PutObject' }, Math.max(60, Math.ceil(validSec)));
  }

  /** Where the caller is redirected; the content type is the one the relay reported. A presigned URL holds for its one method: HEAD gets its own. */
  downloadUrl(key: string, contentType: string, method: 'GET' | 'HEAD' = 'GET'): Promise<string> {
    return this.sign(method, key, { 'response-content-type': contentType, 'x-id': method === 'GET' ? 'GetObject' : 'HeadObject' }, DOWNLOAD_URL_SEC);
  }

  private async sign(method: 'GET' | 'HEAD' | 'PUT', key: string, query: Record<string, string>, expiresIn: number, signingDate?: Date): Promise<string> {
    const { protocol, hostname, port, prefix } = this.target;
    const path = `${prefix}/${key.split('/').map(escape).join('/')}`;
    const signed = await this.presigner.presign({ method, protocol, hostname, port, path, query, headers: {} } as never, { expiresIn, ...(signingDate ? { signingDate } : {}) });
    const q = Object.entries(signed.query ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${escape(k)}=${escape(String(v))}`)
      .join('&');
    return `${protocol}//${hostname}${port ? `:${port}` : ''}${path}?${q}`;
  }

  /** For the test that holds our URLs equal to the S3 client's. */
  signAt(method: 'GET' | 'PUT', key: string, query: Record<string, string>, expiresIn: number, signingDate: Date): Promise<string> {
    return this.sign(method, key, query, expiresIn, signingDate);
  }
}
