/**
 * chan_sip's manager actions, present only in SIP mode: SIPpeers,
 * SIPshowpeer, SIPshowregistry, SIPqualifypeer (action-sippeers).
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { ack, errorFrame, list, listItem, type Frame } from '../ami/frame.js';
import type { SimulatorCore } from '../core.js';
import type { Peer } from '../model/peers.js';
import { header, type ActionTable } from './util.js';

/** The Status column chan_sip shows for a peer (qualify=yes on phones, no on the trunk). */
export function sipStatus(p: Peer): string {
  if (p.isTrunk) return 'Unmonitored';
  if (!p.registered) return 'UNKNOWN';
  return `OK (${Math.max(1, Math.round(p.roundtripUsec / 1000))} ms)`;
}

function sipPeers(core: SimulatorCore, m: AmiMessage): Frame[] {
  const items = [...core.pbx.peers.values()].map((p) =>
    listItem(
      m,
      'PeerEntry',
      [
        ['Channeltype', 'SIP'],
        ['ObjectName', p.name],
        ['ChanObjectType', 'peer'],
        ['IPaddress', p.registered || p.isTrunk ? p.ip : '-none-'],
        ['IPport', p.registered || p.isTrunk ? String(p.port) : '0'],
        ['Dynamic', p.isTrunk ? 'no' : 'yes'],
        ['AutoForcerport', p.isTrunk ? 'yes' : 'no'],
        ['Forcerport', 'no'],
        ['AutoComedia', 'no'],
        ['Comedia', 'no'],
        ['VideoSupport', 'no'],
        ['TextSupport', 'no'],
        ['ACL', 'no'],
        ['Status', sipStatus(p)],
        ['RealtimeDevice', 'no'],
        ['Description', ''],
        ['Accountcode', ''],
      ],
      'first',
    ),
  );
  return list(m, 'Peer status list will follow', items, 'PeerlistComplete');
}

function sipShowPeer(core: SimulatorCore, m: AmiMessage): Frame[] {
  const name = header(m, 'Peer');
  if (!name) return [errorFrame(m, 'Peer: <name> missing.')];
  const p = core.pbx.peer(name);
  // chan_sip ends this error with one CRLF too many.
  if (!p) return [{ ...errorFrame(m, `Peer ${name} not found.`), trailer: '\r\n' }];
  const reg = p.registered && !p.isTrunk;
  const regExpire = reg ? Math.max(0, p.regExpire - core.pbx.nowSec()) : -1;
  return [
    ack(m, undefined, [
      ['Channeltype', 'SIP'],
      ['ObjectName', p.name],
      ['ChanObjectType', 'peer'],
      ['SecretExist', p.isTrunk ? 'N' : 'Y'],
      ['RemoteSecretExist', 'N'],
      ['MD5SecretExist', 'N'],
      ['Context', p.isTrunk ? 'from-trunk' : 'from-internal'],
      ['SubscribeContext', p.isTrunk ? '' : 'from-internal'],
      ['Language', ''],
      ['ToneZone', '<Not set>'],
      ['AMAflags', 'Unknown'],
      ['CID-CallingPres', 'Presentation Allowed, Not Screened'],
      ['Callgroup', ''],
      ['Pickupgroup', ''],
      ['Named Callgroup', ''],
      ['Named Pickupgroup', ''],
      ['MOHSuggest', ''],
      ['VoiceMailbox', ''],
      ['TransferMode', 'open'],
      ['LastMsgsSent', reg ? '-1' : '0'],
      ['Maxforwards', '0'],
      ['Call-limit', p.isTrunk ? '0' : '2'],
      ['Busy-level', '0'],
      ['MaxCallBR', '384 kbps'],
      ['Dynamic', p.isTrunk ? 'N' : 'Y'],
      ['Callerid', p.isTrunk ? '"" <>' : `"${p.callerName}" <${p.name}>`],
      ['RegExpire', `${regExpire} seconds`],
      ['SIP-AuthInsecure', p.isTrunk ? 'port,invite' : 'no'],
      ['SIP-Forcerport', 'N'],
      ['SIP-Comedia', 'N'],
      ['ACL', 'N'],
      ['SIP-CanReinvite', 'N'],
      ['SIP-DirectMedia', 'N'],
      ['SIP-PromiscRedir', 'N'],
      ['SIP-UserPhone', 'N'],
      ['SIP-VideoSupport', 'N'],
      ['SIP-TextSupport', 'N'],
      ['SIP-T.38Support', 'N'],
      ['SIP-T.38EC', 'Unknown'],
      ['SIP-T.38MaxDtgrm', '4294967295'],
      ['SIP-Sess-Timers', 'Accept'],
      ['SIP-Sess-Refresh', 'uas'],
      ['SIP-Sess-Expires', '1800'],
      ['SIP-Sess-Min', '90'],
      ['SIP-RTP-Engine', 'asterisk'],
      ['SIP-Encryption', 'N'],
      ['SIP-RTCP-Mux', 'N'],
      ['SIP-DTMFmode', p.dtmf === 'info' ? 'info' : 'rfc2833'],
      ['ToHost', p.isTrunk ? p.ip : ''],
      ['Address-IP', reg || p.isTrunk ? p.ip : '(null)'],
      ['Address-Port', reg || p.isTrunk ? String(p.port) : '0'],
      ['Default-addr-IP', '(null)'],
      ['Default-addr-port', '0'],
      ['Default-Username', reg ? p.name : ''],
      ['Codecs', '(ulaw|alaw)'],
      ['Status', sipStatus(p)],
      ['SIP-Useragent', reg ? p.userAgent : ''],
      ['Reg-Contact', reg ? `sip:${p.name}@${p.ip}:${p.port};transport=udp` : ''],
      ['QualifyFreq', p.isTrunk ? '0 ms' : '60000 ms'],
      ['Parkinglot', ''],
      ['SIP-Use-Reason-Header', 'N'],
      ['Description', ''],
    ]),
  ];
}

function sipShowRegistry(_core: SimulatorCore, m: AmiMessage): Frame[] {
  return list(m, 'Registrations will follow', [], 'RegistrationsComplete');
}

function sipQualifyPeer(core: SimulatorCore, m: AmiMessage): Frame[] {
  const name = header(m, 'Peer');
  if (!name) return [errorFrame(m, 'Peer: <name> missing.')];
  if (!core.pbx.peer(name)) return [errorFrame(m, `Peer ${name} not found.`)];
  return [ack(m, 'SIP peer found - will qualify')];
}

export const sipActions: ActionTable = {
  SIPpeers: sipPeers,
  SIPshowpeer: sipShowPeer,
  SIPshowregistry: sipShowRegistry,
  SIPqualifypeer: sipQualifyPeer,
};
