/**
 * extension-status rows from AMI peer listings. chan_sip's SIPpeers maps
 * directly; chan_pjsip is translated into chan_sip's words so integrations
 * cannot tell (coocenter-api.md, "On PJSIP").
 */

import type { ExtensionStatusRow } from '../../../protocol/src/box-api/pbx.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';

export function sipPeerRows(entries: AmiMessage[]): ExtensionStatusRow[] {
  return entries
    .filter((e) => e.event === 'PeerEntry')
    .map((e) => ({
      Exten: e.get('ObjectName') ?? '',
      Type: e.get('Channeltype') ?? 'SIP',
      IPAddr: e.get('IPaddress') ?? '-none-',
      Status: e.get('Status') ?? 'UNKNOWN',
    }));
}

/** Host of a SIP URI: `sip:800@127.0.0.1:5300;transport=udp` → `127.0.0.1`. */
export function uriHost(uri: string): string {
  const m = /^sips?:(?:[^@;]*@)?(\[[^\]]+\]|[^:;>]+)/i.exec(uri.trim());
  return m ? m[1] : '';
}

/** chan_sip's words for a PJSIP contact status. */
export function pjsipStatusText(status: string | undefined, roundtripUsec: string | undefined): string {
  switch ((status ?? '').toLowerCase()) {
    case 'reachable': {
      const us = Number(roundtripUsec);
      return `OK (${Number.isFinite(us) ? Math.round(us / 1000) : 0} ms)`;
    }
    case 'unreachable':
      return 'UNREACHABLE';
    case 'nonqualified':
    case 'unknown':
      return 'Unmonitored';
    default:
      return 'UNKNOWN';
  }
}

/**
 * One row per endpoint (EndpointList). The contact comes from ContactList
 * (dynamic registrations, with status); a static contact (`contact=` in
 * pjsip.conf, only in EndpointList's Contacts) is not qualified: Unmonitored.
 */
export function pjsipEndpointRows(endpoints: AmiMessage[], contacts: AmiMessage[]): ExtensionStatusRow[] {
  const byEndpoint = new Map<string, AmiMessage>();
  for (const c of contacts) {
    if (c.event !== 'ContactList') continue;
    const ep = c.get('Endpoint') ?? '';
    const prev = byEndpoint.get(ep);
    // Prefer a reachable contact when an endpoint has several.
    if (!prev || (prev.get('Status') !== 'Reachable' && c.get('Status') === 'Reachable')) byEndpoint.set(ep, c);
  }
  return endpoints
    .filter((e) => e.event === 'EndpointList')
    .map((e) => {
      const name = e.get('ObjectName') ?? '';
      const contact = byEndpoint.get(name);
      if (contact) {
        return {
          Exten: name,
          Type: 'PJSIP',
          IPAddr: uriHost(contact.get('Uri') ?? '') || '-none-',
          Status: pjsipStatusText(contact.get('Status'), contact.get('RoundtripUsec')),
        };
      }
      // EndpointList Contacts: "aor/sip:host:port," (comma-terminated list).
      const listed = (e.get('Contacts') ?? '').split(',').map((s) => s.trim()).filter(Boolean)[0];
      if (listed) {
        const uri = listed.slice(listed.indexOf('/') + 1);
        return { Exten: name, Type: 'PJSIP', IPAddr: uriHost(uri) || '-none-', Status: 'Unmonitored' };
      }
      return { Exten: name, Type: 'PJSIP', IPAddr: '-none-', Status: 'UNKNOWN' };
    });
}
