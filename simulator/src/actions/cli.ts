/**
 * The CLI commands reachable through `Action: Command`. The ones the
 * recordings show are formatted like Asterisk prints them; anything else is
 * `No such command` (an Error response, as action-command-misc.ami shows).
 */

import type { SimulatorCore } from '../core.js';
import { ASTERISK_VERSION } from '../model/lab.js';
import { DEVICE_STATE_TEXT, HINT_STATUS } from '../model/pbx.js';
import { DEVICE_STATUS, isLoggedIn } from '../model/queues.js';

export interface CliResult {
  ok: boolean;
  lines: string[];
}

const BUILD = `Asterisk ${ASTERISK_VERSION} built by root @ vm on a x86_64 running Linux on 2026-11-24 09:17:34 UTC`;

/** Words of the commands known here, for the `core show help …` hint. */
const KNOWN = ['core show version', 'core show channels', 'core show channels concise', 'sip show peers', 'pjsip show endpoints', 'pjsip show contacts', 'pjsip show channels', 'queue show', 'database show'];

export function runCli(core: SimulatorCore, command: string): CliResult {
  const words = command.trim().split(/\s+/);
  const cmd = words.join(' ').toLowerCase();
  const sip = core.tech === 'SIP';
  if (cmd === 'core show version') return ok([BUILD]);
  if (cmd === 'core show channels concise') return ok(channelsConcise(core));
  if (cmd === 'core show channels') return ok(channelsVerbose(core));
  if (sip && cmd === 'sip show peers') return ok(sipPeers(core));
  if (!sip && cmd === 'pjsip show contacts') return ok(pjsipContacts(core));
  if (!sip && cmd === 'pjsip show endpoints') return ok(pjsipEndpoints(core));
  if (!sip && cmd === 'pjsip show channels') return ok(pjsipChannels(core));
  if (cmd === 'queue show' || (words.length === 3 && cmd.startsWith('queue show '))) return ok(queueShow(core, words[2]));
  if (cmd === 'database show' || (words.length === 3 && cmd.startsWith('database show '))) return ok(databaseShow(core, words[2]));
  return { ok: false, lines: [`No such command '${command.trim()}' (type 'core show help ${bestPrefix(words)}' for other possible commands)`] };
}

function ok(lines: string[]): CliResult {
  return { ok: true, lines };
}

/** cli.c find_best(): the words that still match a command, plus the first that does not (at least two). */
function bestPrefix(words: string[]): string {
  let n = 0;
  while (n < words.length && KNOWN.some((k) => k.startsWith(words.slice(0, n + 1).join(' ').toLowerCase()))) n++;
  return words.slice(0, Math.min(words.length, Math.max(n + 1, 2))).join(' ');
}

function pad(s: string, width: number): string {
  return s.length >= width ? s.slice(0, width) : s + ' '.repeat(width - s.length);
}

function channelsConcise(core: SimulatorCore): string[] {
  const now = core.clock.now();
  return core.pbx.channelList().map((c) =>
    [c.name, c.context, c.exten, c.priority, c.stateDesc, c.application, c.appData, c.callerIdNum, c.accountCode, '', 3, Math.floor((now - c.createdAt) / 1000), c.bridgeId ?? '', c.uniqueid].join('!'),
  );
}

function channelsVerbose(core: SimulatorCore): string[] {
  const lines = [`${pad('Channel', 32)} ${pad('Location', 28)} ${pad('State', 7)} Application(Data)`];
  for (const c of core.pbx.channelList()) lines.push(`${pad(c.name, 32)} ${pad(`${c.exten}@${c.context}:${c.priority}`, 28)} ${pad(c.stateDesc, 7)} ${c.application}(${c.appData})`);
  const n = core.pbx.channels.size;
  lines.push(`${n} active channel${n === 1 ? '' : 's'}`, `${Math.ceil(n / 2)} active call${Math.ceil(n / 2) === 1 ? '' : 's'}`, `${core.pbx.processedCalls} calls processed`);
  return lines;
}

function sipPeers(core: SimulatorCore): string[] {
  const row = (name: string, host: string, dyn: string, force: string, comedia: string, acl: string, port: string, status: string, desc: string) =>
    `${pad(name, 25)} ${pad(host, 39)} ${pad(dyn, 3)} ${pad(force, 10)} ${pad(comedia, 10)} ${pad(acl, 3)} ${pad(port, 8)} ${pad(status, 11)} ${pad(desc, 32)} `;
  const lines = [row('Name/username', 'Host', 'Dyn', 'Forcerport', 'Comedia', 'ACL', 'Port', 'Status', 'Description')];
  let on = 0;
  let off = 0;
  for (const p of core.pbx.peers.values()) {
    if (p.isTrunk) lines.push(row(p.name, p.ip, '', 'Auto (No)', 'No', '', String(p.port), 'Unmonitored', ''));
    else if (p.registered) {
      on++;
      lines.push(row(`${p.name}/${p.name}`, p.ip, ' D', 'No', 'No', '', String(p.port), `OK (${Math.max(1, Math.round(p.roundtripUsec / 1000))} ms)`, ''));
    } else {
      off++;
      lines.push(row(p.name, '(Unspecified)', ' D', 'No', 'No', '', '0', 'UNKNOWN', ''));
    }
  }
  lines.push(`${core.pbx.peers.size} sip peers [Monitored: ${on} online, ${off} offline Unmonitored: 1 online, 0 offline]`);
  return lines;
}

function pjsipContacts(core: SimulatorCore): string[] {
  const lines = ['', '  Contact:  <Aor/ContactUri..............................> <Hash....> <Status> <RTT(ms)..>', '==========================================================================================', ''];
  let n = 0;
  for (const p of core.pbx.peers.values()) {
    if (!p.registered && !p.isTrunk) continue;
    n++;
    const uri = p.isTrunk ? `${p.name}/sip:${p.ip}:${p.port}` : `${p.name}/sip:${p.name}@${p.ip}:${p.port};transport=udp`;
    const status = p.isTrunk ? 'NonQual' : 'Avail';
    const rtt = p.isTrunk ? 'nan' : (p.roundtripUsec / 1000).toFixed(3);
    lines.push(`  Contact:  ${pad(uri, 46)} ${p.contactHash.slice(0, 10)} ${pad(status, 7)} ${rtt.padStart(11)}`);
  }
  lines.push('', `Objects found: ${n}`, '');
  return lines;
}

function pjsipEndpoints(core: SimulatorCore): string[] {
  const lines = [
    '',
    ' Endpoint:  <Endpoint/CID.....................................>  <State.....>  <Channels.>',
    '    I/OAuth:  <AuthId/UserName...........................................................>',
    '        Aor:  <Aor............................................>  <MaxContact>',
    '      Contact:  <Aor/ContactUri..........................> <Hash....> <Status> <RTT(ms)..>',
    '  Transport:  <TransportId........>  <Type>  <cos>  <tos>  <BindAddress..................>',
    '   Identify:  <Identify/Endpoint.........................................................>',
    '        Match:  <criteria.........................>',
    '    Channel:  <ChannelId......................................>  <State.....>  <Time.....>',
    '        Exten: <DialedExten...........>  CLCID: <ConnectedLineCID.......>',
    '==========================================================================================',
    '',
  ];
  for (const p of core.pbx.peers.values()) {
    const state = p.isTrunk ? 'NOT_INUSE' : core.pbx.deviceState(`PJSIP/${p.name}`);
    const text = state === 'UNAVAILABLE' ? 'Unavailable' : state === 'NOT_INUSE' ? 'Not in use' : 'In use';
    const active = [...core.pbx.channels.values()].filter((c) => c.peer === p.name).length;
    lines.push(` Endpoint:  ${pad(p.isTrunk ? p.name : `${p.name}/${p.name}`, 52)} ${pad(text, 13)} ${active} of ${p.isTrunk ? 'inf' : 2}`);
    if (!p.isTrunk) lines.push(`     InAuth:  ${p.name}/${p.name}`);
    lines.push(`        Aor:  ${pad(p.name, 51)}${p.isTrunk ? 0 : 1}`);
    if (p.registered || p.isTrunk) {
      const uri = p.isTrunk ? `${p.name}/sip:${p.ip}:${p.port}` : `${p.name}/sip:${p.name}@${p.ip}:${p.port};transport=udp`;
      lines.push(`      Contact:  ${pad(uri, 42)} ${p.contactHash.slice(0, 10)} ${pad(p.isTrunk ? 'NonQual' : 'Avail', 7)} ${(p.isTrunk ? 'nan' : (p.roundtripUsec / 1000).toFixed(3)).padStart(11)}`);
    }
    lines.push('  Transport:  transport-udp             udp      0      0  127.0.0.1:5070');
    if (p.isTrunk) lines.push(`   Identify:  ${p.name}/${p.name}`, `        Match: ${p.ip}:${p.port}/32`);
    lines.push('');
  }
  lines.push('', `Objects found: ${core.pbx.peers.size}`, '');
  return lines;
}

function pjsipChannels(core: SimulatorCore): string[] {
  const now = core.clock.now();
  const lines = ['', '  Channel:  <ChannelId........................................>  <State.....>  <Time.....>', '      Exten: <DialedExten.............>  CLCID: <ConnectedLineCID.......>', '==========================================================================================', ''];
  const chans = [...core.pbx.channels.values()];
  for (const c of chans) {
    const secs = Math.floor((now - c.createdAt) / 1000);
    const time = `${String(Math.floor(secs / 3600)).padStart(2, '0')}:${String(Math.floor(secs / 60) % 60).padStart(2, '0')}:${String(secs % 60).padStart(2, '0')}`;
    // cli_channel_print_body: "%*s: %-*.*s %-12.12s  %-11.11s", the name 62 - 9 = 53 wide.
    lines.push(`  Channel: ${pad(`${c.name}/${c.application}`, 53)} ${pad(c.stateDesc, 12)}  ${pad(time, 11)}`);
    lines.push(`      Exten: ${pad(c.dnid, 27)} CLCID: "${c.connectedName}" <${c.connectedNum}>`);
    lines.push('');
  }
  lines.push('', `Objects found: ${chans.length}`, '');
  return lines;
}


function queueShow(core: SimulatorCore, only?: string): string[] {
  const now = core.pbx.nowSec();
  const lines: string[] = [];
  for (const q of core.pbx.queues.values()) {
    if (only && q.name !== only) continue;
    const sl2 = q.completed + q.abandoned > 0 ? ((q.completedInSl / (q.completed + q.abandoned)) * 100).toFixed(1) : '0.0';
    lines.push(
      `${q.name} has ${q.callers.length} calls (max unlimited) in '${q.strategy}' strategy (${q.holdtime}s holdtime, ${q.talktime}s talktime), W:${q.weight}, C:${q.completed}, A:${q.abandoned}, SL:${q.serviceLevelPerf()}%, SL2:${sl2}% within ${q.serviceLevel}s`,
    );
    lines.push(q.members.length ? '   Members: ' : '   No Members');
    for (const m of q.members) {
      const state = core.pbx.deviceState(m.stateInterface);
      const status = DEVICE_STATUS[state] ?? 0;
      let line = `      ${m.memberName} (${m.interface})`;
      if (m.penalty) line += ` with penalty ${m.penalty}`;
      line += ' (ringinuse disabled)';
      if (m.membership === 'dynamic') line += ' (dynamic)';
      if (m.paused) line += ` (paused${m.pausedReason ? `:${m.pausedReason}` : ''} was ${now - m.lastPause} secs ago)`;
      line += ` (${isLoggedIn(status) ? (DEVICE_STATE_TEXT[state] ?? HINT_STATUS[state][1]) : 'Unavailable'})`;
      line += m.callsTaken ? ` has taken ${m.callsTaken} calls (last was ${now - m.lastCall} secs ago)` : ' has taken no calls yet';
      line += ` (login was ${now - m.loginTime} secs ago)`;
      lines.push(line);
    }
    if (q.callers.length === 0) lines.push('   No Callers');
    else {
      lines.push('   Callers: ');
      q.callers.forEach((c, i) => {
        const wait = now - Math.floor(c.joinedAt / 1000);
        lines.push(`      ${i + 1}. ${c.channelName} (wait: ${Math.floor(wait / 60)}:${String(wait % 60).padStart(2, '0')}, prio: 0)`);
      });
    }
    lines.push('', '');
  }
  if (only && lines.length === 0) return [`No such queue: ${only}.`];
  return lines;
}

function databaseShow(core: SimulatorCore, family?: string): string[] {
  const rows = core.pbx.astdb.tree(family);
  return [...rows.map(([k, v]) => `${k.padEnd(50)}: ${v.padEnd(25)}`), `${rows.length} results found.`];
}
