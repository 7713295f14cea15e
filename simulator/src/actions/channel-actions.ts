/**
 * Channel actions: CoreShowChannels, Status, Hangup (by name or /regex/),
 * Redirect, Originate — answers and errors as manager.c gives them
 * (action-coreshowchannels-active-call, action-hangup, action-redirect,
 * action-originate-*, action-missing-params).
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { ack, errorFrame, list, listItem, type Frame } from '../ami/frame.js';
import type { SimulatorCore } from '../core.js';
import type { Channel } from '../model/channel.js';
import { extensionExists } from '../scenarios/dialplan.js';
import type { OriginateRequest } from '../scenarios/originate.js';
import { header, hms, isTrue, type ActionTable } from './util.js';

function coreShowChannels(core: SimulatorCore, m: AmiMessage): Frame[] {
  const now = core.clock.now();
  const items = core.pbx.channelList().map((c) =>
    listItem(
      m,
      'CoreShowChannel',
      [
        ...c.snapshot(),
        ['Application', c.application],
        ['ApplicationData', c.appData],
        ['Duration', hms((now - c.createdAt) / 1000)],
        ['BridgeId', c.bridgeId ?? ''],
      ],
      'first',
    ),
  );
  return list(m, 'Channels will follow', items, 'CoreShowChannelsComplete');
}

function statusItem(core: SimulatorCore, m: AmiMessage, c: Channel): Frame {
  const id = m.get('ActionID');
  return {
    fields: [
      ['Event', 'Status'],
      ['Privilege', 'Call'],
      ...c.snapshot(),
      ['Type', core.tech],
      ['DNID', c.dnid],
      ['EffectiveConnectedLineNum', c.connectedNum],
      ['EffectiveConnectedLineName', c.connectedName],
      ['TimeToHangup', '0'],
      ['BridgeID', c.bridgeId ?? ''],
      ['Application', c.application],
      ['Data', c.appData],
      ['Nativeformats', '(ulaw)'],
      ['Readformat', 'ulaw'],
      ['Readtrans', ''],
      ['Writeformat', 'ulaw'],
      ['Writetrans', ''],
      ['Callgroup', '0'],
      ['Pickupgroup', '0'],
      ['Seconds', String(Math.floor((core.clock.now() - c.createdAt) / 1000))],
      ...(id ? ([['ActionID', id]] as Array<[string, string]>) : []),
    ],
  };
}

function status(core: SimulatorCore, m: AmiMessage): Frame[] {
  const name = header(m, 'Channel');
  let chans = core.pbx.channelList();
  if (name) {
    const ch = core.pbx.findChannel(name);
    if (!ch) return [errorFrame(m, 'No such channel')];
    chans = [ch];
  }
  const items = chans.map((c) => statusItem(core, m, c));
  return list(m, 'Channel status will follow', items, 'StatusComplete', [['Items', String(items.length)]]);
}

/** Hangup: an exact channel name, or `/regex/` answered as a ChannelHungup list. */
function hangup(core: SimulatorCore, m: AmiMessage): Frame[] {
  const name = header(m, 'Channel');
  if (!name) return [errorFrame(m, 'No channel specified')];
  const rawCause = header(m, 'Cause');
  let cause = rawCause && /^\d+$/.test(rawCause) ? Number(rawCause) : 16;
  if (cause < 0 || cause > 127) cause = 16;
  if (!name.startsWith('/')) {
    const ch = core.pbx.findChannel(name);
    if (!ch) return [errorFrame(m, 'No such channel')];
    core.hangup(ch, cause);
    return [ack(m, 'Channel Hungup')];
  }
  if (name.length < 2 || !name.endsWith('/')) return [errorFrame(m, 'Regex format invalid, Channel param should be /regex/')];
  let re: RegExp;
  try {
    re = new RegExp(name.slice(1, -1));
  } catch {
    return [errorFrame(m, `Regex compile failed on: ${name}`)];
  }
  const matched = core.pbx.channelList().filter((c) => re.test(c.name));
  for (const c of matched) core.hangup(c, cause);
  const items = matched.map((c) => listItem(m, 'ChannelHungup', [['Channel', c.name]], 'last'));
  return list(m, 'Channels hung up will follow', items, 'ChannelsHungupListComplete');
}

function redirect(core: SimulatorCore, m: AmiMessage): Frame[] {
  const name = header(m, 'Channel');
  if (!name) return [errorFrame(m, 'Channel not specified')];
  const context = header(m, 'Context');
  if (!context) return [errorFrame(m, 'Context not specified')];
  const exten = header(m, 'Exten');
  if (!exten) return [errorFrame(m, 'Exten not specified')];
  const prio = header(m, 'Priority');
  if (!prio) return [errorFrame(m, 'Priority not specified')];
  const priority = /^\d+$/.test(prio) ? Number(prio) : 0;
  if (priority < 1) return [errorFrame(m, 'Priority is invalid')];
  const ch = core.pbx.findChannel(name);
  if (!ch) return [errorFrame(m, `Channel does not exist: ${name}`)];
  if (ch.released) return [errorFrame(m, 'Redirect failed, channel not up.')];
  core.redirect(ch, { context, exten, priority });
  return [ack(m, 'Redirect successful')];
}

/** `"Name" <num>`, `Name <num>`, `<num>` or a bare number (ast_callerid_parse). */
export function parseCallerId(v: string | undefined): { num?: string; name?: string } {
  if (!v) return {};
  const angle = /^\s*(?:"([^"]*)"|([^<]*?))\s*<([^>]*)>\s*$/.exec(v);
  if (angle) {
    const name = (angle[1] ?? angle[2] ?? '').trim();
    return { num: angle[3].trim() || undefined, name: name || undefined };
  }
  const t = v.trim().replace(/^"|"$/g, '');
  return /^[0-9+*#]+$/.test(t) ? { num: t } : { name: t };
}

async function originateAction(core: SimulatorCore, m: AmiMessage): Promise<Frame[]> {
  const channel = header(m, 'Channel');
  if (!channel) return [errorFrame(m, 'Channel not specified')];
  const prio = header(m, 'Priority');
  const context = header(m, 'Context');
  const exten = header(m, 'Exten');
  const priority = prio === undefined ? undefined : /^\d+$/.test(prio) ? Number(prio) : NaN;
  if (Number.isNaN(priority)) return [errorFrame(m, 'Invalid priority')];
  const timeout = header(m, 'Timeout');
  if (timeout !== undefined && !/^-?\d+$/.test(timeout)) return [errorFrame(m, 'Invalid timeout')];
  const slash = channel.indexOf('/');
  if (slash < 0) return [errorFrame(m, 'Invalid channel')];
  const app = header(m, 'Application');
  if (exten && context && priority && !extensionExists(context, exten, priority)) return [errorFrame(m, 'Extension does not exist.')];
  const async = isTrue(m.get('Async'));
  if (!async && !app && !(exten && context && priority)) return [errorFrame(m, "Originate with 'Exten' requires 'Context' and 'Priority'")];

  const tech = channel.slice(0, slash);
  const resource = channel.slice(slash + 1);
  const cid = parseCallerId(m.get('CallerID'));
  const variables: Array<[string, string]> = [];
  for (const v of m.getAll('Variable')) {
    for (const part of v.split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) variables.push([part.slice(0, eq).trim(), part.slice(eq + 1)]);
    }
  }
  const req: OriginateRequest = {
    actionId: m.get('ActionID'),
    channel,
    // A peer of another technology cannot be dialled by this PBX.
    resource: tech.toUpperCase() === core.tech ? resource : '',
    context: app ? undefined : (context ?? 'from-internal'),
    exten: app ? undefined : (exten ?? 's'),
    priority: app ? undefined : (priority ?? 1),
    app,
    appData: app ? (m.get('Data') ?? '') : undefined,
    callerIdNum: cid.num,
    callerIdName: cid.name,
    variables,
    account: header(m, 'Account'),
    channelId: header(m, 'ChannelId'),
    timeoutMs: timeout === undefined ? 30_000 : Math.max(0, Number(timeout)),
    async,
  };
  const run = core.originate(req);
  if (async) return [ack(m, 'Originate successfully queued')];
  const ok = await run.settled;
  return [ok ? ack(m, 'Originate successfully queued') : errorFrame(m, 'Originate failed')];
}

export const channelActions: ActionTable = {
  CoreShowChannels: coreShowChannels,
  Status: status,
  Hangup: hangup,
  Redirect: redirect,
  Originate: originateAction,
};
