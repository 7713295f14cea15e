/**
 * The two DynamoDB tables, built from `tableSchemas()` — the very description
 * the local server creates its tables from — so keys and indexes cannot drift
 * between local and AWS. On AWS they also get point-in-time recovery, TTL and
 * a retention policy.
 */

import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { Construct } from 'constructs';
import { tableSchemas, TTL_ATTRIBUTE } from '../../cloud/src/store/tables.js';

export class Tables extends Construct {
  /** Tenants, sites, relay connections, webhooks, pending commands. */
  readonly main: Table;
  /** Events (with the OUTBOX# items its stream carries), CDRs, rollups, delivery log. */
  readonly events: Table;

  constructor(scope: Construct, id: string, props: { removalPolicy: RemovalPolicy }) {
    super(scope, id);
    // Logical names only: CloudFormation names the real tables, so stages never collide.
    const schemas = tableSchemas({ main: 'main', events: 'events' });
    const schema = (name: string) => {
      const s = schemas.find((t) => t.TableName === name);
      if (!s) throw new Error(`tableSchemas() has no ${name} table`);
      return s;
    };
    this.main = tableFrom(this, 'Main', schema('main'), props.removalPolicy);
    this.events = tableFrom(this, 'Events', schema('events'), props.removalPolicy);
  }
}

function tableFrom(scope: Construct, id: string, s: CreateTableCommandInput, removalPolicy: RemovalPolicy): Table {
  if (s.BillingMode !== 'PAY_PER_REQUEST') throw new Error(`${s.TableName}: only on-demand tables are supported`);
  const attribute = (name: string): Attribute => {
    const def = s.AttributeDefinitions?.find((a) => a.AttributeName === name);
    if (!def) throw new Error(`${s.TableName}: key ${name} has no attribute definition`);
    const type = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY }[def.AttributeType!];
    return { name, type };
  };
  const keys = (schema: CreateTableCommandInput['KeySchema']) => {
    const hash = schema?.find((k) => k.KeyType === 'HASH');
    const range = schema?.find((k) => k.KeyType === 'RANGE');
    if (!hash) throw new Error(`${s.TableName}: no partition key`);
    return { partitionKey: attribute(hash.AttributeName!), sortKey: range ? attribute(range.AttributeName!) : undefined };
  };
  const stream = s.StreamSpecification?.StreamEnabled ? StreamViewType[s.StreamSpecification.StreamViewType as keyof typeof StreamViewType] : undefined;

  const table = new Table(scope, id, {
    ...keys(s.KeySchema),
    billingMode: BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: TTL_ATTRIBUTE,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    stream,
    removalPolicy,
  });
  for (const gsi of s.GlobalSecondaryIndexes ?? []) {
    const projection = gsi.Projection?.ProjectionType ?? 'ALL';
    table.addGlobalSecondaryIndex({
      indexName: gsi.IndexName!,
      ...keys(gsi.KeySchema),
      projectionType: ProjectionType[projection as keyof typeof ProjectionType],
      nonKeyAttributes: projection === 'INCLUDE' ? gsi.Projection?.NonKeyAttributes : undefined,
    });
  }
  return table;
}
