/**
 * Reading Asterisk names: which peer a channel belongs to, which extension an
 * interface is, whether a channel is a trunk, where a recording lives.
 */

import { isAbsolute, relative } from 'node:path';

/** `<unknown>` (Asterisk's "no value") becomes "". */
export function clean(value: string | undefined): string {
  return value === undefined || value === '<unknown>' ? '' : value;
}

/**
 * The peer/endpoint of a channel: `SIP/trunk-provider-00000021` →
 * `trunk-provider`, `PJSIP/801-0000000a` → `801`. The technology prefix and the
 * trailing `-<hex sequence>` are removed.
 */
export function channelPeer(channel: string): string {
  const slash = channel.indexOf('/');
  const rest = slash >= 0 ? channel.slice(slash + 1) : channel;
  const m = /^(.*)-[0-9a-fA-F]+(;\d)?$/.exec(rest);
  return m ? m[1] : rest;
}

export function channelTech(channel: string): string {
  const slash = channel.indexOf('/');
  return slash >= 0 ? channel.slice(0, slash) : '';
}

/** `SIP/804` / `PJSIP/804` / `Local/804@from-queue/n` / `SIP/804-0000001a` → `804`. */
export function extensionOf(iface: string): string {
  let rest = iface;
  const slash = rest.indexOf('/');
  if (slash >= 0) rest = rest.slice(slash + 1);
  const at = rest.indexOf('@');
  if (at >= 0) return rest.slice(0, at);
  const m = /^(.*)-[0-9a-fA-F]{8}$/.exec(rest);
  return m ? m[1] : rest.split('/')[0];
}

export class TrunkMatcher {
  private readonly peers: Set<string>;
  constructor(trunks: readonly string[]) {
    this.peers = new Set(trunks);
  }

  /** A channel on a configured trunk peer, or any DAHDI channel. */
  isTrunk(channel: string | undefined): boolean {
    if (!channel) return false;
    if (channel.toUpperCase().startsWith('DAHDI/')) return true;
    return this.peers.has(channelPeer(channel));
  }
}

const AUDIO = /\.(wav|gsm|mp3|ogg|sln|g729|ulaw|alaw|wav49)$/i;

/** A recording path relative to monitor_dir when it lies inside it; as given otherwise. */
export function recordingPath(file: string, monitorDir: string): string {
  if (!file) return '';
  if (isAbsolute(file)) {
    const rel = relative(monitorDir, file);
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return rel;
    return file;
  }
  return file;
}

/** A CDR user field that names an audio file (the dialplan's other way to say where a recording is). */
export function userFieldRecording(userField: string | undefined, monitorDir: string): string {
  const v = clean(userField).trim();
  return v !== '' && AUDIO.test(v) ? recordingPath(v, monitorDir) : '';
}
