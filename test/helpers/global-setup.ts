/**
 * Servers every test file shares, started once per run on loopback: DynamoDB
 * Local (in memory) and fauxqs (SQS + S3). Tests get their endpoints with
 * `inject('dynamoEndpoint')` / `inject('sqsEndpoint')` and isolate themselves
 * with their own table and queue names.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../cloud/src/local/dynamodb-local.js';
import { startSqsLocal } from '../../cloud/src/local/sqs-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sqsEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [dynamo, sqs] = await Promise.all([startDynamoDbLocal(), startSqsLocal()]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sqsEndpoint', sqs.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), sqs.stop()]);
  };
}
