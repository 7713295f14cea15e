/**
 * The recordings bucket. A recording too large for the tunnel is uploaded by
 * the relay to a presigned URL and the API answers with a redirect to a
 * presigned GET: objects only need to live as long as those redirects, so a
 * lifecycle rule deletes them after a day (context `recordingsRetentionDays`).
 *
 * The web console plays a recording by fetching it (an <audio> element cannot
 * send the API key): on AWS that fetch follows the API's redirect to the
 * presigned GET, a cross-origin request the browser only lets the page read
 * when the bucket answers CORS. Any origin may read: the presigned URL itself
 * is the credential, valid for minutes, and nothing else in the bucket is
 * readable without one.
 */

import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export class RecordingsBucket extends Bucket {
  constructor(scope: Construct, id: string, props: { retentionDays: number; removalPolicy: RemovalPolicy }) {
    super(scope, id, {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: false,
      cors: [
        {
          allowedMethods: [HttpMethods.GET, HttpMethods.HEAD],
          allowedOrigins: ['*'],
          // Range: a player seeking in a recording (once recordings take Range requests).
          allowedHeaders: ['Range'],
          exposedHeaders: ['Content-Length', 'Content-Range', 'Accept-Ranges', 'ETag'],
          maxAge: 3600,
        },
      ],
      lifecycleRules: [
        {
          id: 'expire-recordings',
          expiration: Duration.days(props.retentionDays),
          // A relay cut off mid-upload leaves parts that would otherwise be billed forever.
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // DESTROY only succeeds once the lifecycle rule has emptied it (no auto-delete Lambda).
      removalPolicy: props.removalPolicy,
    });
  }
}
