/**
 * The RelayGateway of the AWS deployment. The HTTP function holds no socket:
 * it finds the site's connection in the RELAY item, writes a pending-command
 * item, posts the `command` frame through API Gateway's management API, and
 * polls the item (strongly consistent reads, 10 ms growing to 100 ms) until
 * the $default function has written the relay's reply — or the deadline
 * passes (504). The reply is put back together by the same PendingReply as
 * in the local hub.
 *
 * Recordings never cross the tunnel here: the command carries a presigned S3
 * PUT, the relay uploads, and the caller is redirected to a presigned GET.
 */

import type { Clock } from '../../../protocol/src/clock.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { Logger } from '../../../protocol/src/log.js';
import type { PendingCommandStore } from '../store/pending-commands.js';
import type { RecordingBucket } from '../store/recordings.js';
import type { RelayPresence } from '../outages/presence.js';
import type { RelayStatus, RelayStore } from '../store/relays.js';
import { randomId } from '../store/secrets.js';
import type { RelayConnections } from './apigw-connections.js';
import { relayGone, relayOffline, relayProtocolError, relayTimeout, relayUnreachable } from './errors.js';
import { commandFrame, commandLog, logAnswer, type CommandOutcome, type CommandRequest, type RelayGateway } from './gateway.js';
import { PendingReply } from './replies.js';

export interface AwsGatewayOptions {
  relays: RelayStore;
  /** Where a connection found gone is recorded (outages). */
  presence: RelayPresence;
  pending: PendingCommandStore;
  connections: RelayConnections;
  recordings: RecordingBucket;
  clock: Clock;
  logger: Logger;
  /** First and longest pause between two looks at the pending item (ms). */
  pollFirstMs?: number;
  pollMaxMs?: number;
}

export class AwsRelayGateway implements RelayGateway {
  private readonly log: Logger;

  constructor(private readonly opts: AwsGatewayOptions) {
    this.log = opts.logger.child({ [LogField.component]: 'relay-gateway' });
  }

  async command(req: CommandRequest): Promise<CommandOutcome> {
    const log = commandLog(this.log, req);
    const waitMs = Math.max(0, req.deadlineMs - this.opts.clock.now());
    // A connection that takes no commands (gone, or retired after a switch) is
    // dropped from the RELAY item unless a newer one is there already, which
    // is then tried: the command was not sent, so trying again is safe.
    for (let attempt = 0; attempt < 3; attempt++) {
      const relay = await this.opts.relays.get(req.siteId);
      if (!relay) break;
      const outcome = await this.send(relay.connectionId, req, waitMs, log);
      if (outcome) return outcome;
      await this.opts.presence.disconnected(req.siteId, relay.connectionId, 'connection gone (API Gateway no longer knew it)');
      log.info('relay connection takes no commands; trying the site\'s current one', { [LogField.connectionId]: relay.connectionId });
    }
    const offline = relayOffline();
    logAnswer(log, 0, offline);
    throw offline;
  }

  /** Send on one connection and wait for the answer; undefined when the connection takes no commands. */
  private async send(connectionId: string, req: CommandRequest, waitMs: number, commandsLog: Logger): Promise<CommandOutcome | undefined> {
    const { clock, pending, connections } = this.opts;
    const started = clock.now();
    const id = randomId('cmd');
    const log = commandsLog.child({ [LogField.commandId]: id, [LogField.connectionId]: connectionId });
    let uploadKey: string | undefined;
    const frame = commandFrame(id, req);
    if (req.command.name === 'recording') {
      const { recordings } = this.opts;
      uploadKey = recordings.key(req.siteId, id, req.command.path);
      frame.upload = { url: await recordings.uploadUrl(uploadKey, (req.deadlineMs - clock.now()) / 1000 + 60) };
    }
    // The item exists before the relay can possibly answer.
    if (!(await pending.create({ connectionId, id, siteId: req.siteId, requestId: req.requestId, deadlineMs: req.deadlineMs }))) return undefined;
    let sent: boolean;
    try {
      sent = await connections.send(connectionId, frame);
    } catch (err) {
      log.error('could not post the command to API Gateway', { [LogField.error]: err });
      await pending.remove(connectionId, id, 0).catch(() => undefined);
      const unreachable = relayUnreachable();
      logAnswer(log, clock.now() - started, unreachable);
      throw unreachable;
    }
    if (!sent) {
      await pending.remove(connectionId, id, 0);
      return undefined;
    }
    const answer = await this.follow(connectionId, id, req, waitMs, uploadKey, log);
    logAnswer(log, clock.now() - started, 'error' in answer ? answer.error : undefined);
    if ('error' in answer) throw answer.error;
    return answer.outcome;
  }

  /** Poll the pending item until the reply is complete, the connection closes, or the deadline passes. */
  private async follow(
    connectionId: string,
    id: string,
    req: CommandRequest,
    waitMs: number,
    uploadKey: string | undefined,
    log: Logger,
  ): Promise<{ outcome: CommandOutcome } | { error: Error }> {
    const { clock, pending } = this.opts;
    let settled: { outcome: CommandOutcome } | { error: Error } | undefined;
    const reply = new PendingReply(
      (outcome) => (settled ??= { outcome }),
      (error) => (settled ??= { error }),
    );
    let replied = false;
    let nextPart = 0;
    let pause = this.opts.pollFirstMs ?? 10;
    try {
      while (!settled) {
        const snap = await pending.read(connectionId, id, nextPart);
        if (!replied && snap.reply) {
          replied = true;
          const stream = snap.reply.ok ? snap.reply.stream : undefined;
          if (stream?.uploaded && uploadKey) {
            const [url, headUrl] = await Promise.all(['GET', 'HEAD'].map((m) => this.opts.recordings.downloadUrl(uploadKey!, stream.contentType, m as 'GET' | 'HEAD')));
            settled = { outcome: { kind: 'redirect', url, headUrl } };
            break;
          }
          // A 6 MB Lambda answer cannot carry a streamed recording: the relay must upload it.
          if (stream) throw relayProtocolError('the relay sent the recording through the tunnel instead of uploading it');
          reply.onReply(snap.reply);
        }
        if (replied) {
          for (const part of snap.parts) {
            if (part.n !== nextPart) break; // written out of order: the rest comes with the next look
            reply.onPart(part);
            nextPart++;
          }
        }
        if (settled) break;
        if (snap.gone || !snap.exists) throw relayGone();
        const left = req.deadlineMs - clock.now();
        if (left <= 0) throw relayTimeout(waitMs);
        await new Promise<void>((r) => clock.setTimeout(r, Math.min(pause, left)));
        pause = Math.min(this.opts.pollMaxMs ?? 100, Math.ceil(pause * 1.5));
      }
    } catch (err) {
      settled = { error: err as Error };
    } finally {
      await pending.remove(connectionId, id, nextPart).catch((err) => log.warn('pending command not cleaned up (its TTL will)', { [LogField.error]: err }));
    }
    return settled;
  }

  status(siteId: string): Promise<RelayStatus> {
    return this.opts.presence.status(siteId);
  }

  /** The token was rotated: say why, then close; the relay's next $connect is refused. */
  async disconnect(siteId: string, reason: string): Promise<void> {
    const relay = await this.opts.relays.get(siteId);
    if (!relay) return;
    await this.opts.connections.send(relay.connectionId, { t: 'error', code: 'token-revoked', message: reason, fatal: true }).catch(() => false);
    await this.opts.connections.close(relay.connectionId);
    await this.opts.presence.disconnected(siteId, relay.connectionId, reason);
  }
}
