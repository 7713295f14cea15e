/**
 * The box API carried out as AMI actions: the relay's implementation of Pbx.
 * Which action answers which endpoint follows the box (it was a thin wrapper
 * over AMI): CoreShowChannels, SIPpeers / PJSIPShowEndpoints, QueueStatus,
 * QueuePause/Add/Remove, Originate, Hangup, Redirect, AstDB.
 */

import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { boxError } from '../../../protocol/src/box-api/errors.js';
import type {
  CurrentCall,
  ExtensionHintRow,
  ExtensionStatusRow,
  Pbx,
  QueueMemberRow,
  RecordingFile,
} from '../../../protocol/src/box-api/pbx.js';
import { recordingContentType } from '../../../protocol/src/box-api/recording-path.js';
import type { ActionOptions, AmiReply } from '../ami/client.js';
import type { ActionFields } from '../../../ami-codec/src/encoder.js';
import { isAmiError } from '../ami/errors.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import type { Tech } from '../config/config.js';
import { mapAmiErrors } from './error-map.js';
import { pjsipEndpointRows, sipPeerRows } from './peers.js';

/** The part of AmiClient this needs; tests may pass anything that speaks AMI. */
export interface AmiActions {
  action(action: string, fields?: ActionFields, options?: ActionOptions): Promise<AmiReply>;
}

export interface AmiPbxOptions {
  /** The channel driver of device names and peer listings (a function: detected after login). */
  tech: Tech | (() => Tech);
  /**
   * Resolves when commands may run: with why AMI cannot serve them although
   * logged in (a driver Asterisk lacks; every command answers 503 with it),
   * or undefined.
   */
  refused?: () => Promise<string | undefined>;
  /** Dialplan context for Originate and Redirect targets. */
  context: string;
  blacklistFamily: string;
  monitorDir: string;
  timeoutMs: number;
}

export class AmiPbx implements Pbx {
  constructor(
    private readonly ami: AmiActions,
    private readonly opts: AmiPbxOptions,
  ) {}

  private async run(action: string, fields: ActionFields = {}): Promise<AmiReply> {
    const refused = await this.opts.refused?.();
    if (refused) throw boxError(503, `PBX unavailable: ${refused}`);
    return this.ami.action(action, fields, { timeoutMs: this.opts.timeoutMs });
  }

  private get tech(): Tech {
    const t = this.opts.tech;
    return typeof t === 'function' ? t() : t;
  }

  /** `SIP/801` or `PJSIP/801`: the device of an extension. */
  private device(extension: string): string {
    return `${this.tech}/${extension}`;
  }

  async currentCalls(): Promise<CurrentCall[]> {
    return mapAmiErrors(async () => {
      const reply = await this.run('CoreShowChannels');
      return reply.events
        .filter((e) => e.event === 'CoreShowChannel')
        .map((e) => ({
          calleridname: e.get('CallerIDName') ?? '',
          calleridnum: e.get('CallerIDNum') ?? '',
          channel: e.get('Channel') ?? '',
          channelstate: e.get('ChannelState') ?? '',
          channelstatedesc: e.get('ChannelStateDesc') ?? '',
          connectedlinename: e.get('ConnectedLineName') ?? '',
          connectedlinenum: e.get('ConnectedLineNum') ?? '',
          duration: e.get('Duration') ?? '',
        }));
    });
  }

  async extensionStatus(): Promise<ExtensionStatusRow[]> {
    return mapAmiErrors(async () => {
      if (this.tech === 'SIP') return sipPeerRows((await this.run('SIPpeers')).events);
      const [endpoints, contacts] = await Promise.all([this.run('PJSIPShowEndpoints'), this.run('PJSIPShowContacts')]);
      return pjsipEndpointRows(endpoints.events, contacts.events);
    });
  }

  async extensionHints(): Promise<ExtensionHintRow[]> {
    return mapAmiErrors(async () => {
      const reply = await this.run('ExtensionStateList');
      return reply.events
        .filter((e) => e.event === 'ExtensionStatus')
        .map((e) => {
          const exten = e.get('Exten') ?? '';
          // The box reported every hint as an analog call-center extension
          // named after its number; integrations key on these values.
          return { agentName: exten, extension: exten, extenType: 'analogCallCenter', status: e.get('Status') ?? '' };
        });
    });
  }

  async queueInfo(): Promise<Record<string, QueueMemberRow[]>> {
    return mapAmiErrors(async () => {
      const reply = await this.run('QueueStatus');
      const queues: Record<string, QueueMemberRow[]> = {};
      for (const e of reply.events) {
        const queue = e.get('Queue');
        if (queue === undefined) continue;
        if (e.event === 'QueueParams') queues[queue] ??= [];
        else if (e.event === 'QueueMember') {
          (queues[queue] ??= []).push({
            name: (e.get('Location') ?? e.get('StateInterface') ?? '').toLowerCase(),
            paused: e.get('Paused') ?? '0',
            penalty: e.get('Penalty') ?? '0',
          });
        }
      }
      return queues;
    });
  }

  async agentPause(queue: string, member: string, paused: boolean): Promise<string> {
    return mapAmiErrors(async () => {
      const reply = await this.run('QueuePause', { Queue: queue, Interface: this.device(member), Paused: paused });
      return reply.response.get('Message') ?? (paused ? 'Interface paused successfully' : 'Interface unpaused successfully');
    });
  }

  async agentLogin(extension: string, queue: string): Promise<void> {
    return mapAmiErrors(async () => {
      // QueueAdd takes any interface name; refuse an extension the PBX does not have.
      await this.requireExtension(extension);
      await this.run('QueueAdd', { Queue: queue, Interface: this.device(extension), Paused: false });
    });
  }

  async agentLogout(extension: string, queue: string): Promise<void> {
    return mapAmiErrors(async () => {
      await this.requireExtension(extension);
      await this.run('QueueRemove', { Queue: queue, Interface: this.device(extension) });
    });
  }

  async clickToCall(src: string, dst: string): Promise<string> {
    return mapAmiErrors(async () => {
      await this.requireExtension(src);
      const reply = await this.run('Originate', {
        Channel: this.device(src),
        Context: this.opts.context,
        Exten: dst,
        Priority: 1,
        // What src's phone shows while it rings: the number it is about to call.
        CallerID: `"${dst}" <${dst}>`,
        Timeout: 30_000,
        Async: true,
      });
      return reply.response.get('Message') ?? 'Originate successfully queued';
    });
  }

  async hangup(extension: string): Promise<void> {
    return mapAmiErrors(async () => {
      const channels = await this.channelsOf(extension);
      if (channels.length === 0) {
        await this.requireExtension(extension);
        throw boxError(404, `extension ${extension} has no active call`);
      }
      for (const ch of channels) await this.run('Hangup', { Channel: ch.get('Channel')!, Cause: 16 });
    });
  }

  async transfer(src: string, dst: string): Promise<void> {
    return mapAmiErrors(async () => {
      const all = await this.coreChannels();
      const own = all.filter((c) => isChannelOf(c.get('Channel') ?? '', this.tech, src));
      if (own.length === 0) {
        await this.requireExtension(src);
        throw boxError(404, `extension ${src} has no active call`);
      }
      // Blind transfer: the party src is talking to goes to dst; src drops
      // out as the bridge dissolves.
      const bridged = own.find((c) => (c.get('BridgeId') ?? '') !== '');
      const other = bridged
        ? all.find((c) => c.get('BridgeId') === bridged.get('BridgeId') && c.get('Channel') !== bridged.get('Channel'))
        : undefined;
      if (!other) throw boxError(404, `extension ${src} is not in a connected call`);
      await this.run('Redirect', { Channel: other.get('Channel')!, Context: this.opts.context, Exten: dst, Priority: 1 });
    });
  }

  async spy(src: string, dst: string): Promise<void> {
    return mapAmiErrors(async () => {
      await this.requireExtension(src);
      await this.requireExtension(dst);
      await this.run('Originate', {
        Channel: this.device(src),
        Application: 'ChanSpy',
        // q: no beep/announcement to the spied call; E: end when it ends.
        Data: `${this.device(dst)},qE`,
        CallerID: `"Spy ${dst}" <${src}>`,
        Timeout: 30_000,
        Async: true,
      });
    });
  }

  async blacklist(): Promise<string[]> {
    return mapAmiErrors(async () => {
      const family = this.opts.blacklistFamily;
      const reply = await this.run('DBGetTree', { Family: family });
      const prefix = `/${family}/`;
      return reply.events
        .filter((e) => e.event === 'DBGetTreeResponse')
        .map((e) => e.get('Key') ?? '')
        .map((k) => (k.startsWith(prefix) ? k.slice(prefix.length) : k))
        .filter((k) => k.length > 0);
    });
  }

  async blacklistAdd(number: string): Promise<string> {
    return mapAmiErrors(async () => {
      const reply = await this.run('DBPut', { Family: this.opts.blacklistFamily, Key: number, Val: '1' });
      return reply.response.get('Message') ?? 'Updated database successfully';
    });
  }

  async blacklistRemove(number: string): Promise<string> {
    return mapAmiErrors(async () => {
      const reply = await this.run('DBDel', { Family: this.opts.blacklistFamily, Key: number });
      return reply.response.get('Message') ?? 'Key deleted successfully';
    });
  }

  async recording(path: string): Promise<RecordingFile> {
    let base: string;
    try {
      base = await realpath(this.opts.monitorDir);
    } catch {
      throw boxError(404, 'recording not found (monitor folder missing)');
    }
    let full: string;
    try {
      full = await realpath(join(base, path));
    } catch {
      throw boxError(404, `recording not found: ${path}`);
    }
    // Second wall: a symlink inside the folder may point outside it.
    if (!full.startsWith(base + sep)) throw boxError(404, `recording not found: ${path}`);
    const info = await stat(full);
    if (!info.isFile()) throw boxError(404, `recording not found: ${path}`);
    return { contentType: recordingContentType(full), size: info.size, modified: info.mtimeMs, body: createReadStream(full) };
  }

  // ── helpers ────────────────────────────────────────────────────────────

  private async coreChannels(): Promise<AmiMessage[]> {
    return (await this.run('CoreShowChannels')).events.filter((e) => e.event === 'CoreShowChannel');
  }

  private async channelsOf(extension: string): Promise<AmiMessage[]> {
    return (await this.coreChannels()).filter((c) => isChannelOf(c.get('Channel') ?? '', this.tech, extension));
  }

  /** 404 unless the PBX knows this extension (peer or endpoint). */
  private async requireExtension(extension: string): Promise<void> {
    try {
      if (this.tech === 'SIP') await this.run('SIPshowpeer', { Peer: extension });
      else await this.run('PJSIPShowEndpoint', { Endpoint: extension });
    } catch (err) {
      // Any refusal of these read-only look-ups means "no such peer"; other
      // failures (down, timeout) are mapped by the caller's mapAmiErrors.
      if (isAmiError(err, 'AMI_ACTION_FAILED')) throw boxError(404, `unknown extension ${extension}`);
      throw err;
    }
  }
}

/** `SIP/801-0000000b` belongs to extension 801 (tech compared case-insensitively). */
export function isChannelOf(channel: string, tech: Tech, extension: string): boolean {
  const prefix = `${tech}/${extension}-`;
  return channel.length > prefix.length && channel.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase();
}
