/**
 * Builders for the AMI events Asterisk derives from channel and bridge
 * snapshots (main/manager_channels.c, manager_bridges.c, app_dial, cdr_manager).
 * Each one both updates the model where the event reports a change (a new
 * state, a variable) and publishes the event, with headers in Asterisk's order.
 */

import { ChannelState, type Channel, type Fields } from '../model/channel.js';
import type { Bridge, Pbx } from '../model/pbx.js';

const CALL = 'call,all';
const DIALPLAN = 'dialplan,all';

/** ast_cause2str for the causes a call center meets. */
export const CAUSE_TEXT: Record<number, string> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  20: 'Subscriber absent',
  21: 'Call Rejected',
  26: 'Answered elsewhere',
  34: 'Circuit/channel congestion',
};

export class ChannelEvents {
  constructor(readonly pbx: Pbx) {}

  /** A channel event: the snapshot, then the event's own headers. */
  channelEvent(name: string, ch: Channel, extra: Fields = [], privilege = CALL): void {
    this.pbx.emit(name, privilege, [...ch.snapshot(), ...extra]);
  }

  newchannel(ch: Channel): void {
    this.pbx.addChannel(ch);
    this.channelEvent('Newchannel', ch);
  }

  varset(ch: Channel, variable: string, value: string): void {
    ch.vars.set(variable.replace(/^_+/, ''), value);
    if (variable.startsWith('_')) ch.inherited.set(variable, value);
    this.channelEvent('VarSet', ch, [['Variable', variable], ['Value', value]], DIALPLAN);
  }

  newstate(ch: Channel, state: number): void {
    ch.state = state;
    if (state === ChannelState.Up && ch.answeredAt === undefined) ch.answeredAt = this.pbx.clock.now();
    this.channelEvent('Newstate', ch);
  }

  /** Entering a dialplan priority (or an AppDial pseudo-application). */
  newexten(ch: Channel, application: string, data: string, place: { context?: string; exten?: string; priority?: number } = {}): void {
    if (place.context !== undefined) ch.context = place.context;
    if (place.exten !== undefined) ch.exten = place.exten;
    if (place.priority !== undefined) ch.priority = place.priority;
    ch.application = application;
    ch.appData = data;
    this.channelEvent('Newexten', ch, [['Extension', ch.exten], ['Application', application], ['AppData', data]], DIALPLAN);
  }

  newCallerid(ch: Channel): void {
    this.channelEvent('NewCallerid', ch, [['CID-CallingPres', '0 (Presentation Allowed, Not Screened)']]);
  }

  newConnectedLine(ch: Channel, num: string, name: string): void {
    ch.connectedNum = num;
    ch.connectedName = name;
    this.channelEvent('NewConnectedLine', ch);
  }

  newAccountCode(ch: Channel, account: string): void {
    const old = ch.accountCode;
    ch.accountCode = account;
    this.channelEvent('NewAccountCode', ch, [['OldAccountCode', old]]);
  }

  private dialFields(caller: Channel | undefined, dest: Channel): Fields {
    return [...(caller ? caller.snapshot() : []), ...dest.snapshot('Dest')];
  }

  /** `caller` is undefined for an Originate, whose dial has no calling channel. */
  dialBegin(caller: Channel | undefined, dest: Channel, dialString: string): void {
    this.pbx.emit('DialBegin', CALL, [...this.dialFields(caller, dest), ['DialString', dialString]]);
  }

  dialState(caller: Channel | undefined, dest: Channel, status: string): void {
    this.pbx.emit('DialState', CALL, [...this.dialFields(caller, dest), ['DialStatus', status]]);
  }

  dialEnd(caller: Channel | undefined, dest: Channel, status: string): void {
    this.pbx.emit('DialEnd', CALL, [...this.dialFields(caller, dest), ['DialStatus', status]]);
  }

  private bridgeFields(b: Bridge): Fields {
    return [
      ['BridgeUniqueid', b.id],
      ['BridgeType', 'basic'],
      ['BridgeTechnology', 'simple_bridge'],
      ['BridgeCreator', '<unknown>'],
      ['BridgeName', '<unknown>'],
      ['BridgeNumChannels', String(b.channels.length)],
      ['BridgeVideoSourceMode', 'none'],
    ];
  }

  bridgeCreate(): Bridge {
    const b: Bridge = { id: this.pbx.newBridgeId(), channels: [] };
    this.pbx.bridges.set(b.id, b);
    this.pbx.emit('BridgeCreate', CALL, this.bridgeFields(b));
    return b;
  }

  bridgeEnter(b: Bridge, ch: Channel): void {
    b.channels.push(ch);
    ch.bridgeId = b.id;
    this.pbx.emit('BridgeEnter', CALL, [...this.bridgeFields(b), ...ch.snapshot()]);
  }

  bridgeLeave(b: Bridge, ch: Channel): void {
    b.channels = b.channels.filter((c) => c !== ch);
    ch.bridgeId = undefined;
    this.pbx.emit('BridgeLeave', CALL, [...this.bridgeFields(b), ...ch.snapshot()]);
  }

  bridgeDestroy(b: Bridge): void {
    this.pbx.bridges.delete(b.id);
    this.pbx.emit('BridgeDestroy', CALL, this.bridgeFields(b));
  }

  /** The far end asked to hang up (BYE/CANCEL). Asterisk adds Cause only when it knows one. */
  hangupRequest(ch: Channel, cause?: number): void {
    this.channelEvent('HangupRequest', ch, cause === undefined ? [] : [['Cause', String(cause)]]);
  }

  softHangupRequest(ch: Channel, cause: number): void {
    this.channelEvent('SoftHangupRequest', ch, [['Cause', String(cause)]]);
  }

  hangup(ch: Channel, cause: number): void {
    this.channelEvent('Hangup', ch, [['Cause', String(cause)], ['Cause-txt', CAUSE_TEXT[cause] ?? 'Unknown']]);
    this.pbx.removeChannel(ch);
  }

  mixMonitorStart(ch: Channel): void {
    this.channelEvent('MixMonitorStart', ch);
  }

  mohStart(ch: Channel, musicClass = 'default'): void {
    this.channelEvent('MusicOnHoldStart', ch, [['Class', musicClass]]);
  }

  mohStop(ch: Channel): void {
    this.channelEvent('MusicOnHoldStop', ch);
  }

  hold(ch: Channel, musicClass?: string): void {
    ch.onHold = true;
    this.channelEvent('Hold', ch, musicClass ? [['MusicClass', musicClass]] : []);
  }

  unhold(ch: Channel): void {
    ch.onHold = false;
    this.channelEvent('Unhold', ch);
  }

  dtmfBegin(ch: Channel, digit: string): void {
    this.channelEvent('DTMFBegin', ch, [['Digit', digit], ['Direction', 'Received']], 'dtmf,all');
  }

  dtmfEnd(ch: Channel, digit: string, durationMs: number): void {
    this.channelEvent('DTMFEnd', ch, [['Digit', digit], ['DurationMs', String(durationMs)], ['Direction', 'Received']], 'dtmf,all');
  }

  chanSpy(name: 'ChanSpyStart' | 'ChanSpyStop', spyer: Channel, spyee: Channel): void {
    this.pbx.emit(name, CALL, [...spyer.snapshot('Spyer'), ...spyee.snapshot('Spyee')]);
  }

  /** The six RTPAUDIOQOS* variables chan_sip/chan_pjsip set at the end of a media session. */
  rtpQos(ch: Channel, bridged?: Channel, idle = false): void {
    const stats = qosValues(idle);
    for (const [suffix, value] of stats) {
      this.varset(ch, `RTPAUDIOQOS${suffix}`, value);
      if (bridged) this.varset(bridged, `RTPAUDIOQOS${suffix}BRIDGED`, value);
    }
  }

  /** The four detail variables without the summary line. */
  rtpQosDetails(ch: Channel): void {
    for (const [suffix, value] of qosValues(false).slice(1)) this.varset(ch, `RTPAUDIOQOS${suffix}`, value);
  }

  /** Only the summary line (what a hung-up leg reports when its peer already left). */
  rtpQosSummary(ch: Channel, idle = false): void {
    this.varset(ch, 'RTPAUDIOQOS', qosValues(idle)[0][1]);
  }
}

function qosValues(idle: boolean): Array<[string, string]> {
  const ssrc = Math.floor(Math.random() * 2 ** 31);
  const count = idle ? 0 : 301;
  const mes = idle ? '000.000000' : '088.087887';
  return [
    ['', `ssrc=${ssrc};themssrc=${idle ? 0 : ssrc ^ 0x5a5a};lp=0;rxjitter=0.000000;rxcount=${idle ? 0 : 201};txjitter=0.000500;txcount=${count};rlp=0;rtt=0.000000;rxmes=0.000000;txmes=${idle ? '0.000000' : '88.087887'}`],
    ['JITTER', 'minrxjitter=000.000000;maxrxjitter=000.000750;avgrxjitter=000.000313;stdevrxjitter=000.000174;mintxjitter=000.000000;maxtxjitter=000.000000;avgtxjitter=000.000000;stdevtxjitter=000.000000;'],
    ['LOSS', '  minrxlost=000.000000;  maxrxlost=000.000000;  avgrxlost=000.000000;  stdevrxlost=000.000000;  mintxlost=000.000000;  maxtxlost=000.000000;  avgtxlost=000.000000;  stdevtxlost=000.000000;'],
    ['RTT', '     minrtt=000.000000;     maxrtt=000.000000;     avgrtt=000.000000;     stdevrtt=000.000000;'],
    ['MES', `   minrxmes=${mes};   maxrxmes=${mes};   avgrxmes=${mes};   stdevrxmes=000.000000;   mintxmes=000.000000;   maxtxmes=000.000000;   avgtxmes=000.000000;   stdevtxmes=000.000000;`],
  ];
}
