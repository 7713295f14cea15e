/**
 * A channel as Asterisk's channel snapshot describes it, plus the little the
 * simulator needs to drive it (who owns it, whether it rang or answered, and
 * a slot for an interrupt coming from the AMI: Hangup or Redirect).
 */

import type { Tech } from './lab.js';

export const STATE_DESC = ['Down', 'Rsrvd', 'OffHook', 'Dialing', 'Ring', 'Ringing', 'Up', 'Busy', 'Dialing Offhook', 'Pre-ring'];

export const ChannelState = { Down: 0, Ring: 4, Ringing: 5, Up: 6, Busy: 7 } as const;

/** Something outside the scenario wants this channel to stop what it does. */
export type Interrupt =
  | { kind: 'hangup'; cause: number; via: 'ami' }
  | { kind: 'redirect'; context: string; exten: string; priority: number };

export type Fields = Array<[string, string]>;

export interface ChannelInit {
  name: string;
  tech: Tech;
  /** Peer / endpoint name: `801`, `trunk-provider`. */
  peer: string;
  uniqueid: string;
  linkedid: string;
  callerIdNum: string;
  callerIdName: string;
  context: string;
  exten: string;
  /** `in`: the phone called the PBX. `out`: the PBX called the phone. */
  direction: 'in' | 'out';
  createdAt: number;
  state?: number;
}

export class Channel {
  readonly name: string;
  readonly tech: Tech;
  readonly peer: string;
  readonly uniqueid: string;
  linkedid: string;
  readonly direction: 'in' | 'out';
  readonly createdAt: number;
  state: number;
  callerIdNum: string;
  callerIdName: string;
  connectedNum = '<unknown>';
  connectedName = '<unknown>';
  language = 'en';
  accountCode = '';
  context: string;
  exten: string;
  priority = 1;
  /** Current application (CoreShowChannels / Status). */
  application = '';
  appData = '';
  /** Number dialled to reach this channel (Status DNID). */
  dnid = '';
  readonly vars = new Map<string, string>();
  /** `_VAR`/`__VAR` variables, by their set name, handed down to dialled channels. */
  readonly inherited = new Map<string, string>();
  answeredAt: number | undefined;
  bridgeId: string | undefined;
  onHold = false;
  /** True once the device no longer counts this channel (it is going away). */
  released = false;
  /** True once `Hangup` was emitted. */
  gone = false;
  /** Its phone's InUse was reported (chan_pjsip does it when the call first rings or is answered). */
  inUseReported = false;
  /** SIP Call-ID used for SIPCALLID / BRIDGEPVTCALLID. */
  callId = '';
  private pending: Interrupt | undefined;
  private listeners: Array<(i: Interrupt) => void> = [];

  constructor(init: ChannelInit) {
    this.name = init.name;
    this.tech = init.tech;
    this.peer = init.peer;
    this.uniqueid = init.uniqueid;
    this.linkedid = init.linkedid;
    this.callerIdNum = init.callerIdNum;
    this.callerIdName = init.callerIdName;
    this.context = init.context;
    this.exten = init.exten;
    this.direction = init.direction;
    this.createdAt = init.createdAt;
    this.state = init.state ?? ChannelState.Down;
  }

  /** `SIP/801`: the device whose state this channel feeds. */
  get device(): string {
    return `${this.tech}/${this.peer}`;
  }

  get stateDesc(): string {
    return STATE_DESC[this.state] ?? 'Unknown';
  }

  /**
   * The channel part of every channel event, in Asterisk's order
   * (ast_manager_build_channel_state_string). `prefix` gives the
   * Dest/Spyer/Spyee variants.
   */
  snapshot(prefix = ''): Fields {
    return [
      [`${prefix}Channel`, this.name],
      [`${prefix}ChannelState`, String(this.state)],
      [`${prefix}ChannelStateDesc`, this.stateDesc],
      [`${prefix}CallerIDNum`, this.callerIdNum],
      [`${prefix}CallerIDName`, this.callerIdName],
      [`${prefix}ConnectedLineNum`, this.connectedNum],
      [`${prefix}ConnectedLineName`, this.connectedName],
      [`${prefix}Language`, this.language],
      [`${prefix}AccountCode`, this.accountCode],
      [`${prefix}Context`, this.context],
      [`${prefix}Exten`, this.exten],
      [`${prefix}Priority`, String(this.priority)],
      [`${prefix}Uniqueid`, this.uniqueid],
      [`${prefix}Linkedid`, this.linkedid],
    ];
  }

  /** Deliver an interrupt to whoever waits on this channel, or keep it for the next wait. */
  interrupt(i: Interrupt): void {
    const listeners = this.listeners;
    if (listeners.length === 0) {
      // A hangup wins over an earlier redirect that nobody consumed yet.
      if (!this.pending || i.kind === 'hangup') this.pending = i;
      return;
    }
    this.listeners = [];
    for (const l of listeners) l(i);
  }

  /** Take a pending interrupt, if one arrived while nobody was waiting. */
  takePending(): Interrupt | undefined {
    const p = this.pending;
    this.pending = undefined;
    return p;
  }

  onInterrupt(fn: (i: Interrupt) => void): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }
}
