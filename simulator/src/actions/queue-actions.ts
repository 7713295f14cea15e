/**
 * app_queue's manager actions: QueueStatus, QueueSummary, QueuePause,
 * QueueAdd, QueueRemove, QueuePenalty (action-queuestatus,
 * action-queue-pause-add-remove).
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { ack, errorFrame, list, listItem, type Frame } from '../ami/frame.js';
import type { SimulatorCore } from '../core.js';
import { isAvailable, isLoggedIn, type Queue, type QueueMember } from '../model/queues.js';
import { header, isTrue, type ActionTable } from './util.js';

function queuesMatching(core: SimulatorCore, name: string | undefined): Queue[] {
  return [...core.pbx.queues.values()].filter((q) => !name || q.name.toLowerCase() === name.toLowerCase());
}

function queueStatus(core: SimulatorCore, m: AmiMessage): Frame[] {
  const qFilter = header(m, 'Queue');
  const memberFilter = header(m, 'Member');
  const items: Frame[] = [];
  const now = core.pbx.nowSec();
  for (const q of queuesMatching(core, qFilter)) {
    items.push(listItem(m, 'QueueParams', q.paramsFields(), 'last'));
    for (const mem of q.members) {
      if (memberFilter && mem.interface !== memberFilter && mem.memberName !== memberFilter) continue;
      items.push(listItem(m, 'QueueMember', q.memberListFields(mem, core.pbx.memberStatus(mem.stateInterface)), 'last'));
    }
    q.callers.forEach((c, i) => {
      const ch = core.pbx.findChannel(c.channelName);
      items.push(
        listItem(
          m,
          'QueueEntry',
          [
            ['Queue', q.name],
            ['Position', String(i + 1)],
            ['Channel', c.channelName],
            ['Uniqueid', ch?.uniqueid ?? ''],
            ['CallerIDNum', ch?.callerIdNum ?? 'unknown'],
            ['CallerIDName', ch?.callerIdName ?? 'unknown'],
            ['ConnectedLineNum', ch?.connectedNum ?? 'unknown'],
            ['ConnectedLineName', ch?.connectedName ?? 'unknown'],
            ['Wait', String(now - Math.floor(c.joinedAt / 1000))],
            ['Priority', '0'],
          ],
          'last',
        ),
      );
    });
  }
  return list(m, 'Queue status will follow', items, 'QueueStatusComplete');
}

function queueSummary(core: SimulatorCore, m: AmiMessage): Frame[] {
  const now = core.clock.now();
  const items = queuesMatching(core, header(m, 'Queue')).map((q) => {
    let loggedIn = 0;
    let available = 0;
    for (const mem of q.members) {
      const st = core.pbx.memberStatus(mem.stateInterface);
      if (!isLoggedIn(st)) continue;
      loggedIn++;
      if (isAvailable(mem, st)) available++;
    }
    const longest = q.callers.reduce((max, c) => Math.max(max, Math.floor((now - c.joinedAt) / 1000)), 0);
    return listItem(
      m,
      'QueueSummary',
      [
        ['Queue', q.name],
        ['LoggedIn', String(loggedIn)],
        ['Available', String(available)],
        ['Callers', String(q.callers.length)],
        ['HoldTime', String(q.holdtime)],
        ['TalkTime', String(q.talktime)],
        ['LongestHoldTime', String(longest)],
      ],
      'last',
    );
  });
  return list(m, 'Queue summary will follow', items, 'QueueSummaryComplete');
}

/** `Queue:630_pause_SIP/803`: the custom device app_queue keeps per member pause state. */
function pauseDevice(core: SimulatorCore, q: Queue, mem: QueueMember): void {
  core.ctx.ev.queueDevice(`Queue:${q.name}_pause_${mem.interface}`, mem.paused ? 'INUSE' : 'NOT_INUSE');
}

function queuePause(core: SimulatorCore, m: AmiMessage): Frame[] {
  const iface = header(m, 'Interface');
  const pausedRaw = header(m, 'Paused');
  if (!iface || pausedRaw === undefined) return [errorFrame(m, "Need 'Interface' and 'Paused' parameters.")];
  const paused = isTrue(pausedRaw);
  const reason = m.get('Reason') ?? '';
  const targets = queuesMatching(core, header(m, 'Queue'))
    .map((q) => [q, q.findMember(iface)] as const)
    .filter((x): x is readonly [Queue, QueueMember] => x[1] !== undefined);
  if (targets.length === 0) return [errorFrame(m, 'Interface not found')];
  // set_member_paused(): without a queue, one PAUSEALL/UNPAUSEALL line before the per-queue ones.
  if (!header(m, 'Queue')) core.pbx.records.queueLog('NONE', 'NONE', targets[0][1].memberName, paused ? 'PAUSEALL' : 'UNPAUSEALL', [reason]);
  for (const [q, mem] of targets) {
    mem.paused = paused;
    mem.pausedReason = paused ? reason : '';
    if (paused) mem.lastPause = core.pbx.nowSec();
    pauseDevice(core, q, mem);
    core.ctx.ev.memberEvent('QueueMemberPause', q, mem);
    core.pbx.records.queueLog(q.name, 'NONE', mem.memberName, paused ? 'PAUSE' : 'UNPAUSE', [mem.pausedReason]);
    core.ctx.ev.queueAvailabilityIfMember(mem.stateInterface);
  }
  return [ack(m, paused ? 'Interface paused successfully' : 'Interface unpaused successfully')];
}

function queueAdd(core: SimulatorCore, m: AmiMessage): Frame[] {
  const queueName = header(m, 'Queue');
  if (!queueName) return [errorFrame(m, "'Queue' not specified.")];
  const iface = header(m, 'Interface');
  if (!iface) return [errorFrame(m, "'Interface' not specified.")];
  const q = core.pbx.queues.get(queueName);
  if (!q) return [errorFrame(m, 'Unable to add interface to queue: No such queue')];
  if (q.findMember(iface)) return [errorFrame(m, 'Unable to add interface: Already there')];
  const penalty = Number(header(m, 'Penalty') ?? '0');
  const stateInterface = header(m, 'StateInterface') ?? iface;
  const mem: QueueMember = {
    interface: iface,
    stateInterface,
    memberName: header(m, 'MemberName') ?? iface,
    penalty: Number.isFinite(penalty) ? penalty : 0,
    membership: 'dynamic',
    paused: isTrue(m.get('Paused')),
    pausedReason: isTrue(m.get('Paused')) ? (m.get('Reason') ?? '') : '',
    callsTaken: 0,
    lastCall: 0,
    lastPause: 0,
    loginTime: core.pbx.nowSec(),
    inCall: false,
    reportedStatus: core.pbx.memberStatus(stateInterface),
  };
  q.addMember(mem);
  pauseDevice(core, q, mem);
  core.ctx.ev.memberEvent('QueueMemberAdded', q, mem);
  // log_membername_as_agent = no (the lab): the interface names the member.
  core.pbx.records.queueLog(q.name, 'MANAGER', iface, 'ADDMEMBER', [mem.paused ? 'PAUSED' : '']);
  core.ctx.ev.queueAvailability(q);
  return [ack(m, 'Added interface to queue')];
}

function queueRemove(core: SimulatorCore, m: AmiMessage): Frame[] {
  const queueName = header(m, 'Queue');
  const iface = header(m, 'Interface');
  if (!queueName || !iface) return [errorFrame(m, "Need 'Queue' and 'Interface' parameters.")];
  const q = core.pbx.queues.get(queueName);
  if (!q) return [errorFrame(m, 'Unable to remove interface from queue: No such queue')];
  const mem = q.findMember(iface);
  if (!mem) return [errorFrame(m, 'Unable to remove interface: Not there')];
  if (mem.membership !== 'dynamic') return [errorFrame(m, 'Member not dynamic')];
  q.removeMember(iface);
  core.ctx.ev.memberEvent('QueueMemberRemoved', q, mem);
  core.pbx.records.queueLog(q.name, 'MANAGER', iface, 'REMOVEMEMBER', ['']);
  return [ack(m, 'Removed interface from queue')];
}

function queuePenalty(core: SimulatorCore, m: AmiMessage): Frame[] {
  const iface = header(m, 'Interface');
  const penaltyRaw = header(m, 'Penalty');
  if (!iface || penaltyRaw === undefined) return [errorFrame(m, "Need 'Interface' and 'Penalty' parameters.")];
  const penalty = Number(penaltyRaw);
  const targets = queuesMatching(core, header(m, 'Queue'))
    .map((q) => [q, q.findMember(iface)] as const)
    .filter((x): x is readonly [Queue, QueueMember] => x[1] !== undefined);
  if (!Number.isInteger(penalty) || penalty < 0 || targets.length === 0) return [errorFrame(m, 'Invalid interface, queuename or penalty')];
  for (const [q, mem] of targets) {
    mem.penalty = penalty;
    core.ctx.ev.memberEvent('QueueMemberPenalty', q, mem);
    core.pbx.records.queueLog(q.name, 'NONE', mem.interface, 'PENALTY', [penalty]);
  }
  return [ack(m, 'Interface penalty set successfully')];
}

export const queueActions: ActionTable = {
  QueueStatus: queueStatus,
  QueueSummary: queueSummary,
  QueuePause: queuePause,
  QueueAdd: queueAdd,
  QueueRemove: queueRemove,
  QueuePenalty: queuePenalty,
};
