/**
 * Table access for the functions: item reads and writes only.
 *
 * Not `grantReadWriteData`: besides item actions it adds Scan, DescribeTable
 * and (for streams) GetRecords/GetShardIterator on the table's ARN, none of
 * which the cloud uses. Transactions need no action of their own: each item
 * in a TransactWriteItems is authorised as the Put/Update/Delete/
 * ConditionCheck it is.
 */

import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';

export const TABLE_ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/** The reads among them, for a function that never writes the table. */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;

/** Item access on the table and its indexes (`…/index/*`). */
export function grantItems(table: ITable, grantee: IGrantable): Grant {
  return table.grant(grantee, ...TABLE_ITEM_ACTIONS);
}

/** Item reads only, on the table and its indexes. */
export function grantItemReads(table: ITable, grantee: IGrantable): Grant {
  return table.grant(grantee, ...TABLE_READ_ACTIONS);
}
