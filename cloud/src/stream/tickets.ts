/**
 * Stream tickets: what a browser puts in the stream's URL, since it cannot
 * set an Authorization header on a WebSocket. A tenant's server asks for one
 * (POST /v1/tenants/{tenantId}/stream-tickets, with its key) and hands it to
 * the browser; the ticket carries the tenant and the filter, is good for
 * TICKET_TTL_MS and for one connection.
 *
 *   PK STK#<sha256 of the ticket>  SK TICKET  (main table)  tenantId, filter, expiresAt, ttl
 *
 * Stored hashed: the table never holds a usable ticket. Taken with a
 * conditional delete (ReturnValues ALL_OLD), so of two connections racing
 * with one ticket exactly one gets it.
 */

import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../../protocol/src/clock.js';
import { hashSecret, randomSecret } from '../store/secrets.js';
import type { StreamFilter } from './filter.js';
import { TICKET_TTL_MS } from './messages.js';

export const TICKET_PREFIX = 'stk_';
/** `stk_` and 43 base64url characters (32 random bytes). */
export const TICKET_PATTERN = /^stk_[A-Za-z0-9_-]{43}$/;

export interface Ticket {
  tenantId: string;
  filter: StreamFilter;
  expiresAt: number;
}

function key(ticket: string): { PK: string; SK: string } {
  return { PK: `STK#${hashSecret(ticket)}`, SK: 'TICKET' };
}

export class TicketStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async issue(tenantId: string, filter: StreamFilter): Promise<{ ticket: string; expiresAt: number }> {
    const ticket = TICKET_PREFIX + randomSecret(32);
    const expiresAt = this.clock.now() + TICKET_TTL_MS;
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...key(ticket), type: 'stream-ticket', tenantId, filter, expiresAt, ttl: Math.ceil(expiresAt / 1000) + 60 },
      }),
    );
    return { ticket, expiresAt };
  }

  /** The ticket's tenant and filter, once; undefined when unknown, used or expired. */
  async take(ticket: string): Promise<Ticket | undefined> {
    if (!TICKET_PATTERN.test(ticket)) return undefined;
    try {
      const r = await this.db.send(new DeleteCommand({ TableName: this.table, Key: key(ticket), ConditionExpression: 'attribute_exists(PK)', ReturnValues: 'ALL_OLD' }));
      const item = r.Attributes;
      if (!item || Number(item.expiresAt) < this.clock.now()) return undefined;
      return { tenantId: item.tenantId as string, filter: item.filter as StreamFilter, expiresAt: Number(item.expiresAt) };
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return undefined;
      throw err;
    }
  }
}
