/**
 * Runs the box commands that come down the tunnel, on the relay's AMI Pbx,
 * and sends the answer back on the connection the command came from.
 *
 * - A command whose deadline has passed is not started (the caller already
 *   got 504; a late click-to-call would surprise someone).
 * - Fields are checked again here; the relay does not trust the cloud to have.
 * - An Idempotency-Key makes a write command run at most once (24 h memory);
 *   a repeat's reply says `replayed`, and the key reused for another command
 *   or other fields is refused with 422.
 * - Answers bigger than a frame go as numbered parts; a recording goes as
 *   base64 parts, or is uploaded to the presigned URL the cloud gave.
 * - Every command is logged once answered, with the cloud's request id and
 *   the command id, so its lines join the cloud's for the same request.
 */

import { createHash } from 'node:crypto';
import { BoxApiError, boxError, isBoxApiError } from '../../../protocol/src/box-api/errors.js';
import { checkCommandFields } from '../../../protocol/src/box-api/forms.js';
import { COMMAND_FIELDS, dispatchCommand, type BoxCommand } from '../../../protocol/src/box-api/commands.js';
import type { Pbx } from '../../../protocol/src/box-api/pbx.js';
import { checkRecordingPath } from '../../../protocol/src/box-api/recording-path.js';
import type { Clock } from '../../../protocol/src/clock.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { Logger } from '../../../protocol/src/log.js';
import type { CommandFrameT, RelayFrame } from '../../../protocol/src/wire/frames.js';
import { fileParts, resultFrames } from '../../../protocol/src/wire/parts.js';
import type { IdempotencyStore, StoredOutcome } from './idempotency.js';

/** What an Idempotency-Key was used for: the command and its fields, hashed. */
function fingerprint(cmd: BoxCommand): string {
  return createHash('sha256').update(JSON.stringify(cmd)).digest('base64url');
}

export type Send = (frame: RelayFrame) => void;

export interface CommandRunnerOptions {
  pbx: Pbx;
  idempotency: IdempotencyStore;
  clock: Clock;
  logger: Logger;
}

export class CommandRunner {
  private readonly log: Logger;
  /** Commands running now, for graceful shutdown and tests. */
  running = 0;

  constructor(private readonly opts: CommandRunnerOptions) {
    this.log = opts.logger.child({ [LogField.component]: 'commands' });
  }

  async handle(frame: CommandFrameT, sendFrame: Send): Promise<void> {
    const log = this.log.child({ [LogField.requestId]: frame.requestId, [LogField.commandId]: frame.id, [LogField.command]: frame.cmd.name });
    const started = this.opts.clock.now();
    let refused: { status: number; message: string } | undefined;
    const send: Send = (f) => {
      if (f.t === 'reply' && !f.ok) refused = f.error;
      sendFrame(f);
    };
    this.running++;
    try {
      if (this.opts.clock.now() > frame.deadline) {
        send(errorReply(frame.id, boxError(504, 'the command reached the relay after its deadline; not run')));
        return;
      }
      if (frame.cmd.name === 'recording') {
        await this.recording(frame, send);
        return;
      }
      const { outcome, replayed } = await this.runOnce(frame, log);
      this.reply(frame.id, outcome, send, replayed);
    } catch (err) {
      // A refusal (404, 400…) is an answer, not a fault of the relay.
      if (!isBoxApiError(err)) log.error('command failed', { [LogField.error]: err });
      send(errorReply(frame.id, isBoxApiError(err) ? err : boxError(500, 'relay error')));
    } finally {
      this.running--;
      const ms = this.opts.clock.now() - started;
      log.info('command answered', refused ? { ok: false, status: refused.status, message: refused.message, ms } : { ok: true, ms });
    }
  }

  /** Run, or answer from the idempotency memory (`replayed`: the first run's answer, given again). */
  private async runOnce(frame: CommandFrameT, log: Logger): Promise<{ outcome: StoredOutcome; replayed?: true }> {
    if (!frame.idem) return { outcome: await this.execute(frame.cmd) };
    const memory = this.opts.idempotency;
    // Keys were remembered per command before they were checked against their use: those still answer.
    const older = memory.outcomeOf(`${frame.cmd.name}:${frame.idem}`);
    if (older) return { outcome: older, replayed: true };
    const claim = memory.claim(frame.idem, fingerprint(frame.cmd));
    switch (claim.kind) {
      case 'done':
        log.info('idempotent repeat answered from memory', { idempotencyKey: frame.idem });
        return { outcome: claim.outcome, replayed: true };
      case 'running':
        return { outcome: await claim.wait, replayed: true };
      case 'reused':
        log.info('idempotency key reused for another command', { idempotencyKey: frame.idem });
        return { outcome: { ok: false, error: { status: 422, message: 'this Idempotency-Key was already used with a different command or fields: use a new key for a new request' } } };
      case 'unknown':
        return { outcome: { ok: false, error: { status: 409, message: 'a command with this Idempotency-Key was interrupted by a relay restart; its outcome is unknown and it is not run again' } } };
      case 'new': {
        const outcome = await this.execute(frame.cmd);
        memory.finish(frame.idem, outcome);
        return { outcome };
      }
    }
  }

  private async execute(cmd: BoxCommand): Promise<StoredOutcome> {
    try {
      checkCommandFields(cmd as unknown as Record<string, unknown>, COMMAND_FIELDS[cmd.name]);
      return { ok: true, result: await dispatchCommand(this.opts.pbx, cmd) };
    } catch (err) {
      const e = isBoxApiError(err) ? err : boxError(500, 'relay error');
      if (!isBoxApiError(err)) this.log.error('command crashed', { [LogField.error]: err, [LogField.command]: cmd.name });
      return { ok: false, error: { status: e.status, message: e.message } };
    }
  }

  private reply(id: string, outcome: StoredOutcome, send: Send, replayed?: true): void {
    if (!outcome.ok) {
      send({ t: 'reply', id, ok: false, error: outcome.error, ...(replayed ? { replayed } : {}) });
      return;
    }
    const [head, ...parts] = resultFrames(id, outcome.result);
    send(replayed && head.t === 'reply' ? { ...head, replayed } : head);
    for (const f of parts) send(f);
  }

  private async recording(frame: CommandFrameT, send: Send): Promise<void> {
    const path = checkRecordingPath((frame.cmd as { path: string }).path);
    const file = await this.opts.pbx.recording(path);
    if (frame.upload) {
      // The cloud gave a presigned PUT: the audio goes to object storage, not through the tunnel.
      const res = await fetch(frame.upload.url, {
        method: 'PUT',
        headers: { 'content-type': file.contentType, 'content-length': String(file.size), ...(frame.upload.headers ?? {}) },
        body: await collect(file.body),
      });
      if (!res.ok) throw boxError(502, `recording upload refused (${res.status})`);
      send({ t: 'reply', id: frame.id, ok: true, stream: { contentType: file.contentType, size: file.size, uploaded: true } });
      return;
    }
    const modified = file.modified === undefined ? {} : { modified: Math.floor(file.modified) };
    send({ t: 'reply', id: frame.id, ok: true, stream: { contentType: file.contentType, size: file.size, ...modified } });
    // An empty file is complete with its reply.
    if (file.size === 0) return;
    for await (const part of fileParts(frame.id, file.body)) send(part);
  }
}

function errorReply(id: string, err: BoxApiError): RelayFrame {
  return { t: 'reply', id, ok: false, error: { status: err.status, message: err.message } };
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}
