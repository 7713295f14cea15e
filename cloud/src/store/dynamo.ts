/**
 * The DynamoDB client, the same code path for AWS and for the embedded local
 * server: only the endpoint and credentials differ.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoSettings {
  /** A DynamoDB-compatible endpoint (local); undefined = AWS's for the region. */
  endpoint?: string;
  region?: string;
}

export function dynamoClient(settings: DynamoSettings): DynamoDBDocumentClient {
  const local = settings.endpoint !== undefined;
  const client = new DynamoDBClient({
    region: settings.region ?? process.env.AWS_REGION ?? 'us-east-1',
    endpoint: settings.endpoint,
    // The local server accepts any credentials; AWS uses the default chain.
    credentials: local && !process.env.AWS_ACCESS_KEY_ID ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
    maxAttempts: 5,
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export interface TableNames {
  /** Tenants, sites, relay connections, pending commands. */
  main: string;
  /** Events, CDRs and rollups. */
  events: string;
}

export function tableNames(prefix = process.env.TABLE_PREFIX ?? 'coocenter'): TableNames {
  return { main: `${prefix}-main`, events: `${prefix}-events` };
}
