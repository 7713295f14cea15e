/**
 * What the box API needs from a PBX, whatever carries it: the relay implements
 * it over AMI (edge-relay/src/pbx), the cloud over the site's tunnel. The HTTP
 * routes are written once against this interface.
 *
 * Every value is a plain JSON value so a command and its result can cross the
 * tunnel unchanged (the rows are schemas: the API document describes them); the commands are declared in commands.ts, which also turns
 * a wire command back into a method call on the relay side.
 */

import * as v from 'valibot';
import type { BoxCommandName, CommandMethod } from './commands.js';

/** One row of current-calls, keys and string values exactly as the box sent them. */
export const CurrentCallSchema = v.object({
  calleridname: v.string(),
  calleridnum: v.string(),
  channel: v.string(),
  channelstate: v.string(),
  channelstatedesc: v.string(),
  connectedlinename: v.string(),
  connectedlinenum: v.string(),
  duration: v.string(),
});
export type CurrentCall = v.InferOutput<typeof CurrentCallSchema>;

/** One row of extension-status; the capitalised keys are the box's. */
export const ExtensionStatusRowSchema = v.object({
  Exten: v.string(),
  Type: v.string(),
  IPAddr: v.string(),
  Status: v.pipe(v.string(), v.description("chan_sip's words: `OK (N ms)`, `UNREACHABLE`, `Unmonitored`, `UNKNOWN`")),
});
export type ExtensionStatusRow = v.InferOutput<typeof ExtensionStatusRowSchema>;

export const ExtensionHintRowSchema = v.object({
  agentName: v.string(),
  extension: v.string(),
  extenType: v.string(),
  status: v.string(),
});
export type ExtensionHintRow = v.InferOutput<typeof ExtensionHintRowSchema>;

export const QueueMemberRowSchema = v.object({
  name: v.pipe(v.string(), v.description('the member interface, `sip/803`')),
  paused: v.pipe(v.string(), v.description('"1" paused, "0" not')),
  penalty: v.string(),
});
export type QueueMemberRow = v.InferOutput<typeof QueueMemberRowSchema>;

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
