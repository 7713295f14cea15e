/**
 * The AWS SDK clients, configured in this one place for both runtimes: the
 * same code path talks to AWS (region and credentials from the environment,
 * as the Lambda runtime gives them) and to the local stand-ins (DynamoDB
 * Local, fauxqs, the API Gateway stand-in of the tests), which only differ by
 * their endpoint and accept any credentials.
 *
 * Each client's package is imported here, but a bundle only keeps the ones
 * its entry uses (the SDK packages are free of side effects): the relay
 * socket's bundle carries no SQS client, the deliveries' no management API.
 */

import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The region the clients and presigned URLs use: the runtime's (AWS_REGION), us-east-1 for local runs. */
export function awsRegion(): string {
  return process.env.AWS_REGION ?? 'us-east-1';
}

interface ClientSettings {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
}

/**
 * A local stand-in accepts any credentials, so a local run needs none of its
 * own; on AWS (no endpoint) the default chain finds the function's role.
 */
function clientSettings(endpoint: string | undefined, local: boolean, maxAttempts: number): ClientSettings {
  return {
    region: awsRegion(),
    endpoint,
    credentials: local && !process.env.AWS_ACCESS_KEY_ID ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
    maxAttempts,
  };
}

/** DynamoDB (document client); `endpoint` names a DynamoDB-compatible server, undefined: AWS's. */
export function dynamoClient(settings: { endpoint?: string }): DynamoDBDocumentClient {
  const client = new DynamoDBClient(clientSettings(settings.endpoint, settings.endpoint !== undefined, 5));
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** SQS; `endpoint` names an SQS-compatible server (fauxqs), undefined: AWS's. */
export function sqsClient(endpoint?: string): SQSClient {
  return new SQSClient(clientSettings(endpoint, endpoint !== undefined, 5));
}

/** API Gateway's management API of a WebSocket stage (`https://{api}.execute-api.{region}.amazonaws.com/{stage}`, or a local stand-in). */
export function managementClient(endpoint: string): ApiGatewayManagementApiClient {
  const host = new URL(endpoint).hostname;
  const local = host === '127.0.0.1' || host === 'localhost' || host === '::1';
  return new ApiGatewayManagementApiClient(clientSettings(endpoint, local, 3));
}

/** Lambda's Invoke API (the stream's resume); `endpoint` names a stand-in (tests), undefined: AWS's. */
export function lambdaClient(endpoint?: string): LambdaClient {
  return new LambdaClient(clientSettings(endpoint, endpoint !== undefined, 3));
}
