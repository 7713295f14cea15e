/**
 * What a stream connection wants to see: some of the tenant's sites, some
 * event types, the events touching some extensions. Pure.
 *
 * Which fields of each box event name an extension is declared once, in
 * EXTENSION_FIELDS: a number field names it as is (`calleridnum` 100), a
 * channel field by its peer (`SIP/100-00000007` and `PJSIP/100-0000001a`
 * name 100). An event matches `extensions` when any of its fields names one
 * of them.
 *
 * Operational events (operational/types.ts) about a site (relay.offline,
 * relay.online, ami.down, ami.up) travel on the stream too, as webhooks
 * take them: only to a stream that names them in `events` (one without an
 * `events` filter gets the box events, as an endpoint without one does).
 * They are about the whole site, so `extensions` does not hold them back.
 * The tenant's own (webhook.disabled, webhook.exhausted) are about its webhook
 * endpoints, not its sites: webhooks only.
 */

import { EVENT_TYPES, type BoxEvent, type EventType } from '../../../protocol/src/events/box-events.js';
import { deliveredByDefault, OPERATIONAL_EVENT_TYPES, OPERATIONAL_EVENTS, type TenantEventType } from '../operational/types.js';
import { isBoxEvent, type TenantEvent } from '../webhooks/envelope.js';

/** The types a stream can ask for: the box events, then the operational events about a site. */
export const STREAM_EVENT_TYPES: readonly TenantEventType[] = [...EVENT_TYPES, ...OPERATIONAL_EVENT_TYPES.filter((t) => OPERATIONAL_EVENTS[t].about === 'site')];

/** Whether the stream carries events of this type at all (to any connection). */
export function onStream(e: TenantEvent): boolean {
  return (STREAM_EVENT_TYPES as readonly string[]).includes(e.type);
}

type ExtensionField = { readonly field: string; readonly kind: 'number' | 'channel' };
const num = (field: string): ExtensionField => ({ field, kind: 'number' });
const chan = (field: string): ExtensionField => ({ field, kind: 'channel' });

/** The fields of each box event that name an extension (coocenter-events.md). */
export const EXTENSION_FIELDS: Readonly<Record<EventType, readonly ExtensionField[]>> = {
  dialbegin: [num('calleridnum'), num('destcalleridnum'), chan('channel'), chan('destchannel')],
  dialend: [num('calleridnum'), num('destcalleridnum'), chan('channel'), chan('destchannel')],
  hangup: [num('calleridnum'), num('connectedlinenum')],
  extensionstatus: [num('exten')],
  ivr: [num('caller'), num('called')],
  cdr: [num('source'), num('destination')],
  cc_cdr: [num('caller'), num('called'), num('agentCode')],
};

export interface StreamFilter {
  /** Only these sites; absent: every site of the tenant. */
  siteIds?: readonly string[];
  /** Only these types; absent: the box events. */
  events?: readonly string[];
  /** Only events touching these extensions; absent: every event. */
  extensions?: readonly string[];
  /** An agent link's stream: the live state reduced to this extension (live/agent-view.ts). Never from a request. */
  agentExtension?: string;
}

/** `SIP/100-00000007`, `PJSIP/100-0000001a`, `Local/100@from-queue-0001;1` → `100`. */
export function channelPeer(channel: string): string | undefined {
  const m = /^[A-Za-z0-9_]+\/([^-@;/]+)/.exec(channel);
  return m ? m[1] : undefined;
}

/** The extensions an event names, by EXTENSION_FIELDS. */
export function extensionsOf(data: BoxEvent): string[] {
  const fields = EXTENSION_FIELDS[data.event as EventType] ?? [];
  const out: string[] = [];
  const record = data as unknown as Record<string, unknown>;
  for (const f of fields) {
    const value = record[f.field];
    if (typeof value !== 'string' || value === '') continue;
    const ext = f.kind === 'number' ? value : channelPeer(value);
    if (ext) out.push(ext);
  }
  return out;
}

export function matchesStream(filter: StreamFilter, e: TenantEvent): boolean {
  if (!onStream(e) || e.siteId === null) return false;
  if (filter.siteIds && !filter.siteIds.includes(e.siteId)) return false;
  if (filter.events ? !filter.events.includes(e.type) : !deliveredByDefault(e.type)) return false;
  if (filter.extensions && isBoxEvent(e)) {
    const wanted = filter.extensions;
    if (!extensionsOf(e.data).some((x) => wanted.includes(x))) return false;
  }
  return true;
}
