/**
 * The events of a tenant, declared once: the box's seven, which a site's
 * relay produces (protocol/src/events/box-events.ts), and the operational
 * events the cloud produces itself about the tenant's sites and its webhook
 * endpoints (webhooks/notices.ts). Webhook filters, the envelope and the live stream all take their
 * type names from here; a new operational event is one entry below, its
 * producer (which records it with OperationalEventStore, store.ts) and its
 * documentation.
 *
 * An endpoint without an `events` filter receives the box events only, as it
 * always did (receivers written for the box expect those); operational events
 * are delivered when named.
 */

import { EVENT_TYPES, normaliseEventType, type EventType } from '../../../protocol/src/events/box-events.js';

interface OperationalEventSpec {
  /** What the event is about: one of the tenant's sites, or the tenant as a whole. */
  about: 'site' | 'tenant';
  /** When it is sent (README "Outages as events"). */
  description: string;
}

export const OPERATIONAL_EVENTS = {
  'relay.offline': { about: 'site', description: "the site's relay has had no connection to the cloud for 30 s" },
  'relay.online': { about: 'site', description: "the site's relay is connected again, after a relay.offline" },
  'ami.down': { about: 'site', description: "the relay is connected, but its AMI session has not been able to serve commands for 30 s" },
  'ami.up': { about: 'site', description: 'the AMI session serves commands again, after an ami.down' },
  'webhook.disabled': { about: 'tenant', description: 'one of the tenant\'s webhook endpoints was disabled: it answered 410 Gone, failed for 5 days, or the tenant disabled it (README "Webhooks")' },
  'webhook.exhausted': { about: 'tenant', description: 'a delivery to one of the tenant\'s webhook endpoints was given up after its last attempt (dead-lettered)' },
} as const satisfies Record<string, OperationalEventSpec>;

export type OperationalEventType = keyof typeof OPERATIONAL_EVENTS;
export const OPERATIONAL_EVENT_TYPES = Object.keys(OPERATIONAL_EVENTS) as OperationalEventType[];

/** Every type a tenant can receive. */
export type TenantEventType = EventType | OperationalEventType;
export const TENANT_EVENT_TYPES: readonly TenantEventType[] = [...EVENT_TYPES, ...OPERATIONAL_EVENT_TYPES];

/** A type as a tenant writes it (the box's misspelling `dialbegein` is `dialbegin`); undefined when unknown. */
export function tenantEventType(name: string): TenantEventType | undefined {
  const n = name.trim().toLowerCase();
  return isOperationalEventType(n) ? n : normaliseEventType(n);
}

export function isOperationalEventType(type: string): type is OperationalEventType {
  return Object.hasOwn(OPERATIONAL_EVENTS, type);
}

/** Delivered to an endpoint that names no types: the box events. */
export function deliveredByDefault(type: string): boolean {
  return !isOperationalEventType(type);
}
