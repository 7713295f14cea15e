/**
 * manager.c's own actions: Ping, CoreStatus, CoreSettings, Getvar, Setvar,
 * UserEvent, Command (action-ping / action-command-misc), ModuleCheck.
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { ack, commandOutput, errorFrame, type Frame } from '../ami/frame.js';
import type { SimulatorCore } from '../core.js';
import { AMI_VERSION, ASTERISK_VERSION, LAB_MODULES } from '../model/lab.js';
import { runCli } from './cli.js';
import { header, localDate, localTime, type ActionTable } from './util.js';

function ping(core: SimulatorCore, m: AmiMessage): Frame[] {
  const ms = core.clock.now();
  return [ack(m, undefined, [['Ping', 'Pong'], ['Timestamp', `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`]])];
}

function coreStatus(core: SimulatorCore, m: AmiMessage): Frame[] {
  const start = core.pbx.startedAt;
  return [
    ack(m, undefined, [
      ['CoreStartupDate', localDate(start)],
      ['CoreStartupTime', localTime(start)],
      ['CoreReloadDate', localDate(start)],
      ['CoreReloadTime', localTime(start)],
      ['CoreCurrentCalls', String(core.pbx.channels.size)],
      ['CoreProcessedCalls', String(core.pbx.processedCalls)],
    ]),
  ];
}

function coreSettings(_core: SimulatorCore, m: AmiMessage): Frame[] {
  return [
    ack(m, undefined, [
      ['AMIversion', AMI_VERSION],
      ['AsteriskVersion', ASTERISK_VERSION],
      ['SystemName', ''],
      ['CoreMaxCalls', '0'],
      ['CoreMaxLoadAvg', '0.000000'],
      ['CoreRunUser', ''],
      ['CoreRunGroup', ''],
      ['CoreMaxFilehandles', '0'],
      ['CoreRealTimeEnabled', 'No'],
      ['CoreCDRenabled', 'Yes'],
      ['CoreHTTPenabled', 'No'],
      ['SoundsSearchCustomDir', 'No'],
    ]),
  ];
}

/** Getvar: a channel variable, a global, or the few dialplan functions worth reading. */
function getvar(core: SimulatorCore, m: AmiMessage): Frame[] {
  const variable = header(m, 'Variable');
  if (!variable) return [errorFrame(m, 'No variable specified')];
  const name = header(m, 'Channel');
  const ch = name ? core.pbx.findChannel(name) : undefined;
  if (name && !ch) return [errorFrame(m, 'No such channel')];
  let value: string | undefined;
  const fn = /^([A-Z_]+)\((.*)\)$/i.exec(variable);
  if (fn) {
    const [, func, arg] = fn;
    if (func.toUpperCase() === 'CALLERID' && ch) value = arg.toLowerCase() === 'name' ? ch.callerIdName : ch.callerIdNum;
    else if (func.toUpperCase() === 'DB') {
      const [family, ...key] = arg.split('/');
      value = core.pbx.astdb.get(family, key.join('/'));
    } else if (func.toUpperCase() === 'DB_EXISTS') {
      const [family, ...key] = arg.split('/');
      value = core.pbx.astdb.has(family, key.join('/')) ? '1' : '0';
    }
  } else if (ch) value = ch.vars.get(variable) ?? core.pbx.globals.get(variable);
  else value = core.pbx.globals.get(variable);
  return [ack(m, undefined, [['Variable', variable], ['Value', value ?? '']])];
}

function setvar(core: SimulatorCore, m: AmiMessage): Frame[] {
  const variable = header(m, 'Variable');
  if (!variable) return [errorFrame(m, 'No variable specified')];
  const name = header(m, 'Channel');
  const value = m.get('Value') ?? '';
  if (name) {
    const ch = core.pbx.findChannel(name);
    if (!ch) return [errorFrame(m, 'No such channel')];
    core.ctx.ch.varset(ch, variable, value);
  } else core.pbx.globals.set(variable, value);
  return [ack(m, 'Variable Set')];
}

/** UserEvent: every header but Action and UserEvent goes into the event (ActionID too). */
function userEvent(core: SimulatorCore, m: AmiMessage): Frame[] {
  const name = m.get('UserEvent') ?? '';
  const rest: Array<[string, string]> = [];
  for (const [k, v] of m.entries()) {
    const lower = k.toLowerCase();
    if (lower !== 'action' && lower !== 'userevent') rest.push([k, v]);
  }
  const frames = [ack(m, 'Event Sent')];
  core.ctx.ev.userEvent([['UserEvent', name], ...rest]);
  return frames;
}

function command(core: SimulatorCore, m: AmiMessage): Frame[] {
  const cmd = header(m, 'Command');
  if (!cmd) return [errorFrame(m, 'No command provided')];
  const result = runCli(core, cmd);
  return [commandOutput(m, result.lines, result.ok)];
}

/**
 * ModuleCheck as manager_modulecheck answers it: a loaded module gets
 * `Response: Success`, its ActionID and an empty `Version:` (no Message);
 * any other name `Module not loaded`. Names match as loader.c's
 * find_resource does: without `.so`, case-insensitively.
 */
function moduleCheck(core: SimulatorCore, m: AmiMessage): Frame[] {
  const base = (name: string) => name.trim().replace(/\.so$/i, '').toLowerCase();
  const wanted = base(m.get('Module') ?? '');
  if (!wanted || !LAB_MODULES[core.tech].some((name) => base(name) === wanted)) return [errorFrame(m, 'Module not loaded')];
  return [ack(m, undefined, [['Version', '']])];
}

export const coreActions: ActionTable = {
  Ping: ping,
  CoreStatus: coreStatus,
  CoreSettings: coreSettings,
  Getvar: getvar,
  Setvar: setvar,
  UserEvent: userEvent,
  Command: command,
  ModuleCheck: moduleCheck,
};
