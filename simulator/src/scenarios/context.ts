/**
 * What every scenario works with: the model, the two event builders, the
 * runtime to wait on, and helpers to create channels the way chan_sip /
 * chan_pjsip name them and to store the fake MixMonitor recordings.
 */

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '../../../protocol/src/log.js';
import { ChannelEvents } from '../events/channel-events.js';
import { PbxEvents, pointerId } from '../events/pbx-events.js';
import { Channel } from '../model/channel.js';
import type { Pbx } from '../model/pbx.js';
import type { Peer } from '../model/peers.js';
import type { Runtime } from './runtime.js';
import { strftimeStamp } from './cdr.js';

export class ScenarioError extends Error {
  readonly code: 'SIM_UNKNOWN_EXTENSION' | 'SIM_BAD_ARGUMENT';
  constructor(code: ScenarioError['code'], message: string) {
    super(message);
    this.name = 'ScenarioError';
    this.code = code;
  }
}

export type CallOutcome =
  | 'answered'
  | 'busy'
  | 'noanswer'
  | 'cancel'
  | 'unavailable'
  | 'abandoned'
  | 'timeout'
  | 'rejected'
  | 'failed';

/** What a scenario driver returns once its last event went out. */
export interface CallResult {
  outcome: CallOutcome;
  /** Linkedid of the call (the first channel's Uniqueid). */
  linkedid: string;
  /** Every channel the call created, in creation order. */
  channels: string[];
  uniqueids: string[];
  /** The member that answered a queue call, e.g. `SIP/804`. */
  agent?: string;
  /** MixMonitor file, relative to monitorDir. */
  recordingFile?: string;
}

/** Collects what a scenario driver reports back. */
export class CallTrack {
  readonly channels: Channel[] = [];
  outcome: CallOutcome = 'failed';
  agent: string | undefined;
  recordingFile: string | undefined;

  result(): CallResult {
    const first = this.channels[0];
    return {
      outcome: this.outcome,
      linkedid: first ? first.linkedid : '',
      channels: this.channels.map((c) => c.name),
      uniqueids: this.channels.map((c) => c.uniqueid),
      ...(this.agent ? { agent: this.agent } : {}),
      ...(this.recordingFile ? { recordingFile: this.recordingFile } : {}),
    };
  }
}

/** Monitor folder used in MIXMONITOR_FILENAME when no directory is configured. */
export const DEFAULT_MONITOR_DIR = '/var/spool/asterisk/monitor';

export class ScenarioContext {
  readonly ch: ChannelEvents;
  readonly ev: PbxEvents;

  constructor(
    readonly pbx: Pbx,
    readonly rt: Runtime,
    readonly logger: Logger,
    /** Where recordings are written; undefined: named but not written. */
    readonly recordingsDir: string | undefined,
  ) {
    this.ch = new ChannelEvents(pbx);
    this.ev = new PbxEvents(pbx);
  }

  now(): number {
    return this.pbx.clock.now();
  }

  get tech(): 'SIP' | 'PJSIP' {
    return this.pbx.tech;
  }

  get pjsip(): boolean {
    return this.pbx.tech === 'PJSIP';
  }

  phone(ext: string): Peer {
    const peer = this.pbx.peer(ext);
    if (!peer || peer.isTrunk) throw new ScenarioError('SIM_UNKNOWN_EXTENSION', `no such extension: ${ext}`);
    return peer;
  }

  /**
   * A channel for `peer`, not yet announced (no Newchannel): chan_sip reports
   * device state for a call before the channel event.
   */
  channelFor(
    peer: Peer,
    direction: 'in' | 'out',
    init: { context: string; exten: string; linkedid?: string; uniqueid?: string; callerIdNum?: string; callerIdName?: string; track?: CallTrack },
  ): Channel {
    const uniqueid = init.uniqueid ?? this.pbx.nextUniqueid();
    const ch = new Channel({
      name: this.pbx.nextChannelName(peer.name),
      tech: this.pbx.tech,
      peer: peer.name,
      uniqueid,
      linkedid: init.linkedid ?? uniqueid,
      callerIdNum: init.callerIdNum ?? (peer.isTrunk ? '<unknown>' : peer.name),
      callerIdName: init.callerIdName ?? (peer.isTrunk ? '<unknown>' : peer.callerName),
      context: init.context,
      exten: init.exten,
      direction,
      createdAt: this.now(),
    });
    ch.callId = direction === 'in' ? `1-${20000 + Math.floor(Math.random() * 20000)}@127.0.0.1` : this.pbx.newCallId();
    this.pbx.addChannel(ch);
    init.track?.channels.push(ch);
    return ch;
  }

  /** The digest exchange of an inbound INVITE: ChallengeSent, later SuccessfulAuth. */
  inviteChallenge(peer: Peer, remotePort: number): { sessionId: string; remote: string } {
    const sessionId = this.pjsip ? `1-${30000 + Math.floor(Math.random() * 9999)}@127.0.0.1` : pointerId();
    const remote = `127.0.0.1/${remotePort}`;
    const account = this.pjsip ? peer.name : `sip:${peer.name}@127.0.0.1:${remotePort}`;
    this.ev.challengeSent(account, sessionId, remote);
    return { sessionId, remote };
  }

  inviteAuthenticated(account: string, session: { sessionId: string; remote: string }): void {
    this.ev.successfulAuth(this.pjsip ? 'PJSIP' : 'SIP', account, session.sessionId, this.pjsip ? 5070 : 5060, session.remote, false);
  }

  /**
   * chan_pjsip reports the calling phone in use only once its call rings
   * somewhere or is answered by the PBX (chan_sip does so at the INVITE).
   */
  reportCallerInUse(chan: Channel): void {
    if (chan.inUseReported || chan.direction !== 'in') return;
    chan.inUseReported = true;
    this.ev.extensionStatus(chan.device);
    this.ev.deviceStateChange(chan.device);
  }

  /** MixMonitor file name the lab dialplan builds, and its full path. */
  recordingName(caller: Channel, exten: string): { name: string; path: string } {
    const name = `${strftimeStamp(this.now())}-${caller.callerIdNum}-${exten}-${caller.uniqueid}.wav`;
    return { name, path: join(this.recordingsDir ?? DEFAULT_MONITOR_DIR, name) };
  }

  /**
   * Write a short silent WAV where MixMonitor would have. It is written under
   * a temporary name and renamed, so whoever sees the file sees all of it.
   * Failures are logged, never thrown.
   */
  writeRecording(path: string): void {
    if (!this.recordingsDir) return;
    void (async () => {
      await mkdir(dirname(path), { recursive: true });
      const partial = `${path}.part`;
      await writeFile(partial, silentWav(0.5));
      await rename(partial, path);
    })().catch((err: unknown) => this.logger.warn('could not write recording', { path, err }));
  }
}

/** A valid 8 kHz 16-bit mono WAV of silence. */
export function silentWav(seconds: number): Buffer {
  const samples = Math.round(8000 * seconds);
  const data = samples * 2;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(8000, 24);
  buf.writeUInt32LE(16000, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(data, 40);
  return buf;
}
