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
 */

import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** How long the caller's redirect stays valid. */
export const DOWNLOAD_URL_SEC = 300;

export function s3Client(endpoint?: string): S3Client {
  const local = endpoint !== undefined;
  return new S3Client({
    region: process.env.AWS_REGION ?? 'us-east-1',
    endpoint,
    // Local S3 servers answer on one host name: bucket in the path, not in the host.
    forcePathStyle: local,
    credentials: local && !process.env.AWS_ACCESS_KEY_ID ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
    // Otherwise the SDK signs a CRC32 of an *empty* body into every presigned
    // PUT, and S3 refuses the relay's real upload with BadDigest.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
}

export class RecordingBucket {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  key(siteId: string, commandId: string, path: string): string {
    const name = path.split('/').pop() || 'recording';
    return `recordings/${siteId}/${commandId}/${name}`;
  }

  /** Where the relay PUTs the file (no signed headers but the host: the relay sets its own content type). */
  uploadUrl(key: string, validSec: number): Promise<string> {
    return getSignedUrl(this.s3, new PutObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: Math.max(60, Math.ceil(validSec)) });
  }

  /** Where the caller is redirected; the content type is the one the relay reported. */
  downloadUrl(key: string, contentType: string): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key, ResponseContentType: contentType }), { expiresIn: DOWNLOAD_URL_SEC });
  }
}
