/**
 * What the box API needs from a PBX, whatever carries it: the relay implements
 * it over AMI (edge-relay/src/pbx), the cloud over the site's tunnel. The HTTP
 * routes are written once against this interface.
 *
 * Every value is a plain JSON value so a command and its result can cross the
 * tunnel unchanged; `BoxCommand` is that wire form, and `dispatchCommand`
 * turns it back into a method call on the relay side.
 */

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
  /** When set, the client is redirected here (a short-lived presigned URL) instead of streamed. */
  redirect?: string;
}

export interface Pbx {
  currentCalls(): Promise<CurrentCall[]>;
  extensionStatus(): Promise<ExtensionStatusRow[]>;
  extensionHints(): Promise<ExtensionHintRow[]>;
  /** Queue name → members; a queue without members maps to []. */
  queueInfo(): Promise<Record<string, QueueMemberRow[]>>;
  /** Returns Asterisk's message (`Interface paused successfully`). */
  agentPause(queue: string, member: string, paused: boolean): Promise<string>;
  agentLogin(extension: string, queue: string): Promise<void>;
  agentLogout(extension: string, queue: string): Promise<void>;
  /** Rings `src`; when it answers, dials `dst`. Returns Asterisk's message. */
  clickToCall(src: string, dst: string): Promise<string>;
  hangup(extension: string): Promise<void>;
  transfer(src: string, dst: string): Promise<void>;
  spy(src: string, dst: string): Promise<void>;
  blacklist(): Promise<string[]>;
  blacklistAdd(number: string): Promise<string>;
  blacklistRemove(number: string): Promise<string>;
  recording(path: string): Promise<RecordingFile>;
}

/** The commands as they travel in a tunnel frame. */
export type BoxCommand =
  | { name: 'currentCalls' }
  | { name: 'extensionStatus' }
  | { name: 'extensionHints' }
  | { name: 'queueInfo' }
  | { name: 'agentPause'; queue: string; member: string; paused: boolean }
  | { name: 'agentLogin'; extension: string; queue: string }
  | { name: 'agentLogout'; extension: string; queue: string }
  | { name: 'clickToCall'; src: string; dst: string }
  | { name: 'hangup'; extension: string }
  | { name: 'transfer'; src: string; dst: string }
  | { name: 'spy'; src: string; dst: string }
  | { name: 'blacklist' }
  | { name: 'blacklistAdd'; number: string }
  | { name: 'blacklistRemove'; number: string }
  | { name: 'recording'; path: string };

export type BoxCommandName = BoxCommand['name'];

/** Commands that change the PBX: an Idempotency-Key applies to these. */
export const WRITE_COMMANDS: ReadonlySet<BoxCommandName> = new Set<BoxCommandName>([
  'agentPause',
  'agentLogin',
  'agentLogout',
  'clickToCall',
  'hangup',
  'transfer',
  'spy',
  'blacklistAdd',
  'blacklistRemove',
]);

/** The string fields each command carries, for validation at both ends of the tunnel. */
export const COMMAND_FIELDS: Record<BoxCommandName, readonly string[]> = {
  currentCalls: [],
  extensionStatus: [],
  extensionHints: [],
  queueInfo: [],
  agentPause: ['queue', 'member'],
  agentLogin: ['extension', 'queue'],
  agentLogout: ['extension', 'queue'],
  clickToCall: ['src', 'dst'],
  hangup: ['extension'],
  transfer: ['src', 'dst'],
  spy: ['src', 'dst'],
  blacklist: [],
  blacklistAdd: ['number'],
  blacklistRemove: ['number'],
  recording: ['path'],
};

/** Run a wire command against a Pbx (the relay side of the tunnel). Recording is streamed elsewhere. */
export async function dispatchCommand(pbx: Pbx, cmd: BoxCommand): Promise<unknown> {
  switch (cmd.name) {
    case 'currentCalls':
      return pbx.currentCalls();
    case 'extensionStatus':
      return pbx.extensionStatus();
    case 'extensionHints':
      return pbx.extensionHints();
    case 'queueInfo':
      return pbx.queueInfo();
    case 'agentPause':
      return pbx.agentPause(cmd.queue, cmd.member, cmd.paused);
    case 'agentLogin':
      return pbx.agentLogin(cmd.extension, cmd.queue).then(() => null);
    case 'agentLogout':
      return pbx.agentLogout(cmd.extension, cmd.queue).then(() => null);
    case 'clickToCall':
      return pbx.clickToCall(cmd.src, cmd.dst);
    case 'hangup':
      return pbx.hangup(cmd.extension).then(() => null);
    case 'transfer':
      return pbx.transfer(cmd.src, cmd.dst).then(() => null);
    case 'spy':
      return pbx.spy(cmd.src, cmd.dst).then(() => null);
    case 'blacklist':
      return pbx.blacklist();
    case 'blacklistAdd':
      return pbx.blacklistAdd(cmd.number);
    case 'blacklistRemove':
      return pbx.blacklistRemove(cmd.number);
    case 'recording':
      throw new Error('recording is not a JSON command; it is streamed');
  }
}
