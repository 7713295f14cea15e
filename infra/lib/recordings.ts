/**
 * The recordings bucket. A recording too large for the tunnel is uploaded by
 * the relay to a presigned URL and the API answers with a redirect to a
 * presigned GET: objects only need to live as long as those redirects, so a
 * lifecycle rule deletes them after a day (context `recordingsRetentionDays`).
 */

import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export class RecordingsBucket extends Bucket {
  constructor(scope: Construct, id: string, props: { retentionDays: number; removalPolicy: RemovalPolicy }) {
    super(scope, id, {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: false,
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
