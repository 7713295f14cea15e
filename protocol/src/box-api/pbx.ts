/**
 * What the box API needs from a PBX, whatever carries it: the relay implements
 * it over AMI (edge-relay/src/pbx), the cloud over the site's tunnel. The HTTP
 * routes are written once against this interface.
 *
 * Every value is a plain JSON value so a command and its result can cross the
 * tunnel unchanged; the commands are declared in commands.ts, which also turns
 * a wire command back into a method call on the relay side.
 */

import type { BoxCommandName, CommandMethod } from './commands.js';

/** One row of current-calls, keys and string values exactly as the box sent them. */
export interface CurrentCall {
  calleridname: string;
  calleridnum: string;
  channel: string;
  channelstate: string;
  channelstatedesc: string;
  connectedlinename: string;
  connectedlinenum: string;
  duration: string;
}

/** One row of extension-status; the capitalised keys are the box's. */
export interface ExtensionStatusRow {
  Exten: string;
  Type: string;
  IPAddr: string;
  Status: string;
}

export interface ExtensionHintRow {
  agentName: string;
  extension: string;
  extenType: string;
  status: string;
}

export interface QueueMemberRow {
  name: string;
  paused: string;
  penalty: string;
}

/** A recording file as a stream of bytes, or where to fetch it (object storage). */
export interface RecordingFile {
  contentType: string;
  size: number;
  body: AsyncIterable<Uint8Array>;
  /** When the file last changed (epoch ms): its ETag and Last-Modified (file-answer.ts). */
  modified?: number;
  /** When set, the client is redirected here (a short-lived presigned URL) instead of streamed. */
  redirect?: string;
  /** Where a HEAD is redirected (a presigned URL holds for one method). */
  redirectHead?: string;
}

/**
 * One method per command of the table in commands.ts: its fields as
 * parameters, its answer as the result (`agentPause(queue, member, paused)`
 * answers Asterisk's message; `recording(path)` a file).
 */
export type Pbx = { [K in BoxCommandName]: CommandMethod<K> };
