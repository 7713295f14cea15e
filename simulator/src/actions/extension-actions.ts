/**
 * Hint actions: ExtensionStateList and ExtensionState (action-extensionstatelist;
 * a missing Context means `default`, which has no hints: Status -1).
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { ack, errorFrame, list, listItem, type Frame } from '../ami/frame.js';
import type { SimulatorCore } from '../core.js';
import { HINT_STATUS } from '../model/pbx.js';
import { header, type ActionTable } from './util.js';

function hintFields(core: SimulatorCore, exten: string, context: string): Array<[string, string]> {
  const device = context === 'from-internal' ? core.pbx.hintFor(exten) : undefined;
  const [status, text] = device ? HINT_STATUS[core.pbx.deviceState(device)] : [-1, 'Unknown'];
  return [
    ['Exten', exten],
    ['Context', context],
    ['Hint', device ?? ''],
    ['Status', String(status)],
    ['StatusText', text],
  ];
}

function extensionStateList(core: SimulatorCore, m: AmiMessage): Frame[] {
  const items = core.pbx.hints().map((h) => listItem(m, 'ExtensionStatus', hintFields(core, h.exten, 'from-internal'), 'first'));
  return list(m, 'Extension Statuses will follow', items, 'ExtensionStateListComplete');
}

function extensionState(core: SimulatorCore, m: AmiMessage): Frame[] {
  const exten = header(m, 'Exten');
  if (!exten) return [errorFrame(m, 'Extension not specified')];
  const context = header(m, 'Context') ?? 'default';
  return [ack(m, 'Extension Status', hintFields(core, exten, context))];
}

export const extensionActions: ActionTable = {
  ExtensionStateList: extensionStateList,
  ExtensionState: extensionState,
};
