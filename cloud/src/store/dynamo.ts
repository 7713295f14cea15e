/**
 * The cloud's two DynamoDB tables. Locally their names come from a prefix
 * (TABLE_PREFIX); on AWS the stack names them (MAIN_TABLE, EVENTS_TABLE).
 * The client itself is configured with the other SDK clients (aws-clients.ts).
 */

export interface TableNames {
  /** Tenants, sites, relay connections, pending commands. */
  main: string;
  /** Events, CDRs and rollups. */
  events: string;
}

export const DEFAULT_TABLE_PREFIX = 'coocenter';

export function tableNames(prefix = DEFAULT_TABLE_PREFIX): TableNames {
  return { main: `${prefix}-main`, events: `${prefix}-events` };
}
