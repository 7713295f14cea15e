/**
 * Action name → handler, for a logged-in session. Names are matched without
 * case as Asterisk does; chan_sip's actions exist only in SIP mode and
 * res_pjsip's only in PJSIP mode, so the other set answers like an unknown
 * command (as in action-pjsip-misc.ami).
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { ack, errorFrame, list, type Frame } from '../ami/frame.js';
import type { AmiSession } from '../ami/session.js';
import type { SimulatorCore } from '../core.js';
import type { ActionHandler, ActionTable } from './util.js';
import { channelActions } from './channel-actions.js';
import { coreActions } from './core-actions.js';
import { dbActions } from './db-actions.js';
import { extensionActions } from './extension-actions.js';
import { pjsipActions } from './pjsip-actions.js';
import { queueActions } from './queue-actions.js';
import { sipActions } from './sip-actions.js';

const COMMON: ActionTable = { ...coreActions, ...channelActions, ...extensionActions, ...queueActions, ...dbActions, ListCommands: listCommands };

const TABLES = {
  SIP: lowerKeys({ ...COMMON, ...sipActions }),
  PJSIP: lowerKeys({ ...COMMON, ...pjsipActions }),
};

function lowerKeys(t: ActionTable): Map<string, [string, ActionHandler]> {
  return new Map(Object.entries(t).map(([k, v]) => [k.toLowerCase(), [k, v]]));
}

/** ListCommands: one `Name: Name (Priv: …)` line per action, as manager.c lists them. */
function listCommands(core: SimulatorCore, m: AmiMessage): Frame[] {
  const names = [...TABLES[core.tech].values()].map(([name]) => name).concat(['Login', 'Logoff', 'Challenge', 'Events']).sort();
  return [ack(m, undefined, names.map((n): [string, string] => [n, `${n} (Priv: <none>)`]))];
}

/**
 * While Asterisk boots, manager accepts logins before every module is loaded:
 * app_queue's actions do not exist yet ("Invalid/unknown command", seen live
 * on Asterisk 22 right after `core restart now`), and the dialplan's hints
 * are not there, so ExtensionStateList lists none.
 */
const QUEUE_ACTIONS = new Set(Object.keys(queueActions).map((k) => k.toLowerCase()));

export function dispatchAction(core: SimulatorCore, session: AmiSession, m: AmiMessage): Frame[] | Promise<Frame[]> {
  const action = (m.get('Action') ?? '').trim();
  const entry = TABLES[core.tech].get(action.toLowerCase());
  const unknown = [errorFrame(m, `Invalid/unknown command: ${action}. Use Action: ListCommands to show available commands.`)];
  if (!entry) return unknown;
  if (core.pbx.booting) {
    if (QUEUE_ACTIONS.has(action.toLowerCase())) return unknown;
    if (action.toLowerCase() === 'extensionstatelist') return list(m, 'Extension Statuses will follow', [], 'ExtensionStateListComplete');
  }
  return entry[1](core, m, session);
}

