/**
 * The box API's Pbx, carried out by a site's relay through the tunnel. One
 * instance per HTTP request: it carries the request id, the deadline and the
 * caller's Idempotency-Key (write commands only).
 *
 * Its JSON methods are derived from the command table (commandMethods); only
 * `recording`, which answers a file or where to fetch it, is written here.
 */

import { boxError } from '../../../protocol/src/box-api/errors.js';
import { commandMethods, WRITE_COMMANDS, type BoxCommand, type BoxCommandName, type JsonCommandName } from '../../../protocol/src/box-api/commands.js';
import type { Pbx, RecordingFile } from '../../../protocol/src/box-api/pbx.js';
import { grants, type AgentBinding, type Scope } from '../store/api-keys.js';
import { agentCommandRefusal } from './agent-scope.js';
import type { RelayGateway } from '../tunnel/gateway.js';

export interface TunnelPbxOptions {
  siteId: string;
  requestId: string;
  idempotencyKey?: string;
  deadlineMs: number;
  /** The caller's key's scopes; undefined for the box's WEBKEY, which may do everything. */
  scopes?: readonly Scope[];
  /** An agent link's site and extension: it may run only AGENT_COMMANDS for its extension (api/agent-scope.ts). */
  agent?: AgentBinding;
  /** Told when the relay answered a repeated Idempotency-Key with the first run's answer. */
  onReplayed?: () => void;
}

// Declares the methods commandMethods assigns in the constructor.
export interface TunnelPbx extends Pick<Pbx, JsonCommandName> {}

export class TunnelPbx implements Pbx {
  constructor(
    private readonly gateway: RelayGateway,
    private readonly opts: TunnelPbxOptions,
  ) {
    Object.assign(this, commandMethods((command) => this.run(command)));
  }

  /** A key may run write commands with `calls`, the others with `read` (`admin` grants both); an agent link its own. */
  private allow(command: BoxCommand): void {
    const name = command.name;
    if (this.opts.agent) {
      const why = agentCommandRefusal(this.opts.agent, command);
      if (why) throw boxError(403, why, 'insufficient-scope');
      return;
    }
    if (!this.opts.scopes) return;
    const needed: Scope = WRITE_COMMANDS.has(name) ? 'calls' : 'read';
    if (!grants(this.opts.scopes, [needed])) throw boxError(403, `this key lacks the ${needed} scope`, 'insufficient-scope');
  }

  private async run(command: BoxCommand): Promise<unknown> {
    this.allow(command);
    const outcome = await this.gateway.command({
      siteId: this.opts.siteId,
      command,
      requestId: this.opts.requestId,
      deadlineMs: this.opts.deadlineMs,
      idempotencyKey: WRITE_COMMANDS.has(command.name) ? this.opts.idempotencyKey : undefined,
    });
    if (outcome.kind !== 'json') throw boxError(502, `relay answered ${command.name} with a file`);
    if (outcome.replayed) this.opts.onReplayed?.();
    return outcome.result;
  }

  async recording(path: string): Promise<RecordingFile> {
    this.allow({ name: 'recording', path });
    const outcome = await this.gateway.command({
      siteId: this.opts.siteId,
      command: { name: 'recording', path },
      requestId: this.opts.requestId,
      deadlineMs: this.opts.deadlineMs,
    });
    if (outcome.kind === 'file') return outcome.file;
    if (outcome.kind === 'redirect') return { contentType: 'application/octet-stream', size: 0, body: (async function* () {})(), redirect: outcome.url, redirectHead: outcome.headUrl };
    throw boxError(502, 'relay answered the recording request with JSON');
  }
}
