/**
 * The SIP trunk: inbound calls from the provider into `from-trunk` (DID →
 * IVR, queue 630 or extension 802, with the blacklist check) and outbound
 * calls through the lab's `_0X.` route (trunk-outbound.ami).
 */

import { LAB_DIDS, LAB_OUTBOUND_CALLERID, TRUNK_PEER } from '../model/lab.js';
import type { Channel } from '../model/channel.js';
import { CdrRecord } from './cdr.js';
import { CallTrack, type CallResult, type ScenarioContext } from './context.js';
import { runPlace, type CallPolicy, type RunEnv } from './dialplan.js';
import { announceInbound, blockedCaller, dialAndTalk, hangupApp } from './internal.js';

/** The provider calls DID `did` from `callerNumber`. An unknown DID is refused (404, no channel). */
export async function trunkInbound(ctx: ScenarioContext, callerNumber: string, did: string, policy: CallPolicy, extras: Partial<RunEnv>, defaultTalkMs: number): Promise<CallResult> {
  const track = new CallTrack();
  if (!LAB_DIDS[did]) {
    track.outcome = 'rejected';
    return track.result();
  }
  const peer = ctx.pbx.peer(TRUNK_PEER);
  if (!peer) throw new Error('lab trunk peer missing');
  const chan = ctx.channelFor(peer, 'in', { context: 'from-trunk', exten: did, callerIdNum: callerNumber, callerIdName: '<unknown>', track });
  chan.dnid = did;
  chan.inUseReported = true;
  if (ctx.pjsip) chan.state = 4;
  ctx.ev.deviceStateChange(chan.device, 'INUSE');
  announceInbound(ctx, chan, `sip:${callerNumber}@127.0.0.1:${peer.port}`);
  const env: RunEnv = { track, cdrs: [new CdrRecord(chan, chan.createdAt)], policy, defaultTalkMs, ...extras };
  await runPlace(ctx, chan, { context: 'from-trunk', exten: did, priority: 1 }, env);
  return track.result();
}

/** from-trunk, per DID. */
export async function fromTrunk(ctx: ScenarioContext, chan: Channel, did: string, from: number, env: RunEnv): Promise<void> {
  const { ch } = ctx;
  const place = { context: 'from-trunk', exten: did };
  const route = LAB_DIDS[did];
  if (!route) return hangupApp(ctx, chan, { ...place, priority: 1 }, env, 1);
  const direction = (prio: number) => {
    if (from > prio) return;
    ch.newexten(chan, 'Set', '__CALL_DIRECTION=inbound', { ...place, priority: prio });
    ch.varset(chan, '__CALL_DIRECTION', 'inbound');
  };
  if (route === 'ivr') {
    const cid = chan.callerIdName && chan.callerIdName !== '<unknown>' ? `"${chan.callerIdName}" <${chan.callerIdNum}>` : chan.callerIdNum;
    if (from <= 1) ch.newexten(chan, 'NoOp', `Inbound DID ${did} from ${cid}`, { ...place, priority: 1 });
    direction(2);
    if (from <= 3) {
      ch.newexten(chan, 'Set', `__DID=${did}`, { ...place, priority: 3 });
      ch.varset(chan, '__DID', did);
    }
    const blocked = ctx.pbx.astdb.has('blacklist', chan.callerIdNum);
    if (from <= 4) ch.newexten(chan, 'GotoIf', `${blocked ? 1 : 0}?blocked`, { ...place, priority: 4 });
    if (blocked) return blockedCaller(ctx, chan, '', { ...place, priority: 6 }, env, true);
    if (from <= 5) ch.newexten(chan, 'Goto', 'ivr-main,s,1', { ...place, priority: 5 });
    return runPlace(ctx, chan, { context: 'ivr-main', exten: 's', priority: 1 }, env);
  }
  direction(1);
  if (route === 'queue630') {
    if (from <= 2) ch.newexten(chan, 'Goto', 'queues,630,1', { ...place, priority: 2 });
    return runPlace(ctx, chan, { context: 'queues', exten: '630', priority: 1 }, env);
  }
  const appData = `${ctx.tech}/802,20`;
  ch.newexten(chan, 'Dial', appData, { ...place, priority: 2 });
  const r = await dialAndTalk(ctx, chan, env, { peer: '802', dialString: '802', appData, timeoutMs: 20_000 });
  if (r.kind === 'failed') hangupApp(ctx, chan, { ...place, priority: 3 }, env, r.result.cause || 16);
}

/** from-internal `_0X.`: CALLERID(num)=4930555000, Dial the provider, Hangup. */
export async function outboundRoute(ctx: ScenarioContext, chan: Channel, exten: string, from: number, env: RunEnv): Promise<void> {
  const { ch } = ctx;
  const place = { context: 'from-internal', exten };
  if (from <= 1) {
    ch.newexten(chan, 'Set', `CALLERID(num)=${LAB_OUTBOUND_CALLERID}`, { ...place, priority: 1 });
    chan.callerIdNum = LAB_OUTBOUND_CALLERID;
    ch.newCallerid(chan);
  }
  const number = exten.slice(1);
  const dialString = ctx.pjsip ? `${number}@${TRUNK_PEER}` : `${TRUNK_PEER}/${number}`;
  const appData = ctx.pjsip ? `PJSIP/${number}@${TRUNK_PEER},30` : `SIP/${TRUNK_PEER}/${number},30`;
  if (from <= 2) {
    ch.newexten(chan, 'Dial', appData, { ...place, priority: 2 });
    const r = await dialAndTalk(ctx, chan, env, { peer: TRUNK_PEER, dialString, appData, timeoutMs: 30_000 });
    if (r.kind === 'done') return;
    return hangupApp(ctx, chan, { ...place, priority: 3 }, env, r.result.cause || 16);
  }
  hangupApp(ctx, chan, { ...place, priority: 3 }, env, 16);
}
