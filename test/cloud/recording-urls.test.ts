/**
 * Presigned recording URLs: ours (the SDK's presigner on a request we
 * describe, no S3 client in the function) are exactly the ones the S3
 * client's getSignedUrl gives, on AWS endpoints in two regions and on a
 * local path-style endpoint, with keys that need escaping (the client set
 * not to ask for checksums, which a plain download does not check).
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { DOWNLOAD_URL_SEC, RecordingBucket } from '../../cloud/src/store/recordings.js';

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE/token+with=odd' };
const at = new Date('2026-11-24T12:34:56Z');

describe('presigned recording URLs', () => {
  for (const [what, region, endpoint] of [
    ['AWS, eu-central-1', 'eu-central-1', undefined],
    ['AWS, us-east-1', 'us-east-1', undefined],
    ['a local S3 server', 'us-east-1', 'http://127.0.0.1:4566'],
  ] as const) {
    it(`equal the S3 client's on ${what}`, async () => {
      const bucket = 'coocenter-recordings-1a2b';
      const ours = new RecordingBucket({ bucket, region, endpoint, credentials: async () => credentials });
      const s3 = new S3Client({ region, endpoint, forcePathStyle: endpoint !== undefined, credentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
      const key = ours.key('site_abc', 'cmd_x1', "2026/11/24/out-801-4930 (1)+'x'.wav");
      expect(key).toBe("recordings/site_abc/cmd_x1/out-801-4930 (1)+'x'.wav");
      const put = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 75, signingDate: at });
      expect(await ours.signAt('PUT', key, { 'x-id': 'PutObject' }, 75, at)).toBe(put);
      const get = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentType: 'audio/wav' }), { expiresIn: DOWNLOAD_URL_SEC, signingDate: at });
      expect(await ours.signAt('GET', key, { 'response-content-type': 'audio/wav', 'x-id': 'GetObject' }, DOWNLOAD_URL_SEC, at)).toBe(get);
      s3.destroy();
    });
  }
});
