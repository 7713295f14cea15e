/**
 * The envelope's shape alone (envelope.ts builds it): a module with no
 * imports, so that what runs in browsers (the console's stream client, through
 * stream/messages.ts) can use the type without the store's modules.
 */

export interface Envelope {
  id: string;
  type: string;
  siteId: string | null;
  seq: number | null;
  occurredAt: string;
  recovered?: true;
  partial?: true;
  data: Record<string, unknown>;
}
