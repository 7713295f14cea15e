/**
 * SIP peers / PJSIP endpoints: who is registered where, and the per-phone
 * behaviour used when the PBX rings it.
 */

import { LAB_PHONES, TRUNK_PEER, type PhoneBehaviour, type PhoneConfig, type Tech } from './lab.js';

export interface Peer {
  name: string;
  /** CallerID name (empty for the trunk). */
  callerName: string;
  isTrunk: boolean;
  registered: boolean;
  behaviour: PhoneBehaviour;
  dtmf: 'rfc2833' | 'info';
  ip: string;
  port: number;
  /** Qualify round trip, microseconds. */
  roundtripUsec: number;
  userAgent: string;
  /** PJSIP contact id hash and the REGISTER Call-ID. */
  contactHash: string;
  regCallId: string;
  /** Unix seconds the registration expires. */
  regExpire: number;
}

const REGISTRATION_SECONDS = 86400;

export function labPeers(tech: Tech, nowSec: number, overrides: Record<string, Partial<PhoneConfig>> = {}): Map<string, Peer> {
  const peers = new Map<string, Peer>();
  for (const base of LAB_PHONES) {
    const p = { ...base, ...(overrides[base.extension] ?? {}) };
    const n = Number(p.extension) - 800;
    peers.set(p.extension, {
      name: p.extension,
      callerName: p.name,
      isTrunk: false,
      registered: p.registered,
      behaviour: p.behaviour,
      dtmf: p.dtmf,
      ip: '127.0.0.1',
      port: (tech === 'SIP' ? 5100 : 5300) + n,
      roundtripUsec: 200 + ((n * 97) % 800),
      userAgent: `SIPp-lab-phone/${p.extension}`,
      contactHash: pseudoHash(`${p.extension}-contact`),
      regCallId: `1-${30780 + n}@127.0.0.1`,
      regExpire: nowSec + REGISTRATION_SECONDS,
    });
  }
  peers.set(TRUNK_PEER, {
    name: TRUNK_PEER,
    callerName: '',
    isTrunk: true,
    registered: true,
    behaviour: 'answer',
    dtmf: 'rfc2833',
    ip: '127.0.0.1',
    port: tech === 'SIP' ? 5090 : 5490,
    roundtripUsec: 0,
    userAgent: '',
    contactHash: pseudoHash('trunk-provider-contact'),
    regCallId: '',
    regExpire: 0,
  });
  return peers;
}

export function markRegistered(peer: Peer, nowSec: number): void {
  peer.registered = true;
  peer.regExpire = nowSec + REGISTRATION_SECONDS;
}

/** A stable 32-hex-digit string, standing in for Asterisk's contact hashes and Call-IDs. */
export function pseudoHash(seed: string): string {
  let out = '';
  let h = 2166136261;
  for (let round = 0; out.length < 32; round++) {
    for (const ch of seed + round) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 32);
}
