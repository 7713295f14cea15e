/**
 * The box API's Pbx, carried out by a site's relay through the tunnel. One
 * instance per HTTP request: it carries the request id, the deadline and the
 * caller's Idempotency-Key (write commands only).
 */

import { boxError } from '../../../protocol/src/box-api/errors.js';
import {
  WRITE_COMMANDS,
  type BoxCommand,
  type CurrentCall,
  type ExtensionHintRow,
  type ExtensionStatusRow,
  type Pbx,
  type QueueMemberRow,
  type RecordingFile,
} from '../../../protocol/src/box-api/pbx.js';
import type { RelayGateway } from '../tunnel/gateway.js';

export interface TunnelPbxOptions {
  siteId: string;
  requestId: string;
  idempotencyKey?: string;
  deadlineMs: number;
}

export class TunnelPbx implements Pbx {
  constructor(
    private readonly gateway: RelayGateway,
    private readonly opts: TunnelPbxOptions,
  ) {}

  private async run<T>(command: BoxCommand): Promise<T> {
    const outcome = await this.gateway.command({
      siteId: this.opts.siteId,
      command,
      requestId: this.opts.requestId,
      deadlineMs: this.opts.deadlineMs,
      idempotencyKey: WRITE_COMMANDS.has(command.name) ? this.opts.idempotencyKey : undefined,
    });
    if (outcome.kind !== 'json') throw boxError(502, `relay answered ${command.name} with a file`);
    return outcome.result as T;
  }

  currentCalls = () => this.run<CurrentCall[]>({ name: 'currentCalls' });
  extensionStatus = () => this.run<ExtensionStatusRow[]>({ name: 'extensionStatus' });
  extensionHints = () => this.run<ExtensionHintRow[]>({ name: 'extensionHints' });
  queueInfo = () => this.run<Record<string, QueueMemberRow[]>>({ name: 'queueInfo' });
  agentPause = (queue: string, member: string, paused: boolean) => this.run<string>({ name: 'agentPause', queue, member, paused });
  agentLogin = (extension: string, queue: string) => this.run<void>({ name: 'agentLogin', extension, queue });
  agentLogout = (extension: string, queue: string) => this.run<void>({ name: 'agentLogout', extension, queue });
  clickToCall = (src: string, dst: string) => this.run<string>({ name: 'clickToCall', src, dst });
  hangup = (extension: string) => this.run<void>({ name: 'hangup', extension });
  transfer = (src: string, dst: string) => this.run<void>({ name: 'transfer', src, dst });
  spy = (src: string, dst: string) => this.run<void>({ name: 'spy', src, dst });
  blacklist = () => this.run<string[]>({ name: 'blacklist' });
  blacklistAdd = (number: string) => this.run<string>({ name: 'blacklistAdd', number });
  blacklistRemove = (number: string) => this.run<string>({ name: 'blacklistRemove', number });

  async recording(path: string): Promise<RecordingFile> {
    const outcome = await this.gateway.command({
      siteId: this.opts.siteId,
      command: { name: 'recording', path },
      requestId: this.opts.requestId,
      deadlineMs: this.opts.deadlineMs,
    });
    if (outcome.kind === 'file') return outcome.file;
    if (outcome.kind === 'redirect') return { contentType: 'application/octet-stream', size: 0, body: (async function* () {})(), redirect: outcome.url };
    throw boxError(502, 'relay answered the recording request with JSON');
  }
}
