/**
 * How the cloud reaches a site's relay. The API code sees only this
 * interface; the local cloud implements it with in-process WebSockets
 * (local-hub.ts), the AWS deployment with API Gateway's management API and
 * DynamoDB (cloud/src/lambda).
 */

import { isBoxApiError } from '../../../protocol/src/box-api/errors.js';
import type { BoxCommand } from '../../../protocol/src/box-api/commands.js';
import type { RecordingFile } from '../../../protocol/src/box-api/pbx.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { Logger } from '../../../protocol/src/log.js';
import type { CommandFrameT } from '../../../protocol/src/wire/frames.js';
import type { RelayStatus } from '../store/relays.js';

export interface CommandRequest {
  siteId: string;
  command: BoxCommand;
  /** The HTTP caller's Idempotency-Key (write commands). */
  idempotencyKey?: string;
  requestId: string;
  /** Epoch ms after which the caller gets 504. */
  deadlineMs: number;
}

export type CommandOutcome =
  /** `replayed`: the relay gave the first run's answer again, for a repeated Idempotency-Key. */
  | { kind: 'json'; result: unknown; replayed?: true }
  | { kind: 'file'; file: RecordingFile }
  /** The recording was uploaded to object storage; fetch it here. */
  | { kind: 'redirect'; url: string; /** The same object, presigned for HEAD. */ headUrl?: string };

export interface RelayGateway {
  /** Run a command on the site's relay. Throws BoxApiError: 503 offline, 504 deadline, or the relay's own status. */
  command(req: CommandRequest): Promise<CommandOutcome>;
  status(siteId: string): Promise<RelayStatus>;
  /** Close the site's relay connection (its token was rotated). */
  disconnect(siteId: string, reason: string): Promise<void>;
}

/** The frame that carries a command down a tunnel, with what the relay logs it by. */
export function commandFrame(id: string, req: CommandRequest): CommandFrameT {
  const frame: CommandFrameT = { t: 'command', id, deadline: req.deadlineMs, cmd: req.command, requestId: req.requestId };
  if (req.idempotencyKey) frame.idem = req.idempotencyKey;
  return frame;
}

/** A command's log, with the fields that join its lines to the relay's (same requestId and commandId there). */
export function commandLog(log: Logger, req: CommandRequest, commandId?: string, connectionId?: string): Logger {
  return log.child({
    [LogField.siteId]: req.siteId,
    [LogField.requestId]: req.requestId,
    [LogField.command]: req.command.name,
    ...(commandId ? { [LogField.commandId]: commandId } : {}),
    ...(connectionId ? { [LogField.connectionId]: connectionId } : {}),
  });
}

/** One line per command once its answer is known: whether the relay did it, and how long it took. */
export function logAnswer(log: Logger, ms: number, err?: unknown): void {
  if (err === undefined) log.info('command answered', { ok: true, ms });
  else if (isBoxApiError(err)) log.info('command answered', { ok: false, status: err.status, message: err.message, ms });
  else log.error('command failed', { [LogField.error]: err, ms });
}
