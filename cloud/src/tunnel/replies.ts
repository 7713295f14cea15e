/**
 * Putting a relay's answer back together: a plain reply, a reply whose JSON
 * came in numbered parts, or a file streamed as base64 parts. In memory, for
 * the local cloud (the Lambda path keeps the same pieces in DynamoDB).
 */

import type { PartFrame, ReplyFrame } from '../../../protocol/src/wire/frames.js';
import { relayRefusal } from './errors.js';
import type { CommandOutcome } from './gateway.js';

/** Turns a file's parts into an async iterable as they arrive. */
class PartStream implements AsyncIterable<Uint8Array> {
  private queue: Uint8Array[] = [];
  private done = false;
  private error?: Error;
  private wake?: () => void;

  push(data: Uint8Array, last: boolean): void {
    this.queue.push(data);
    if (last) this.done = true;
    this.wake?.();
  }

  fail(err: Error): void {
    this.error = err;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      if (this.queue.length > 0) {
        yield this.queue.shift()!;
        continue;
      }
      if (this.error) throw this.error;
      if (this.done) return;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }
}

/** One command waiting for its answer. */
export class PendingReply {
  private reply?: ReplyFrame;
  private parts: string[] = [];
  private stream?: PartStream;
  private nextPart = 0;
  /** Nothing more is expected from the relay for this command. */
  complete = false;

  constructor(
    private readonly resolve: (o: CommandOutcome) => void,
    private readonly reject: (e: Error) => void,
  ) {}

  onReply(frame: ReplyFrame): void {
    this.reply = frame;
    if (!frame.ok) {
      this.complete = true;
      this.reject(relayRefusal(frame.error));
    } else if (frame.stream) {
      this.stream = new PartStream();
      const { contentType, size, modified } = frame.stream;
      this.resolve({ kind: 'file', file: { contentType, size, body: this.stream, ...(modified === undefined ? {} : { modified }) } });
      if (frame.stream.size === 0) {
        this.stream.push(new Uint8Array(0), true);
        this.complete = true;
      }
    } else if (!frame.parts) {
      this.complete = true;
      this.resolve({ kind: 'json', result: frame.result ?? null, ...(frame.replayed ? { replayed: true as const } : {}) });
    }
  }

  onPart(frame: PartFrame): void {
    if (!this.reply || this.complete) return;
    if (frame.n !== this.nextPart) {
      this.abort(new Error(`relay sent part ${frame.n}, expected ${this.nextPart}`));
      return;
    }
    this.nextPart++;
    if (this.stream) {
      this.stream.push(Buffer.from(frame.data, 'base64'), frame.last);
      if (frame.last) this.complete = true;
      return;
    }
    this.parts.push(frame.data);
    if (this.parts.length === this.reply.parts) {
      this.complete = true;
      try {
        this.resolve({ kind: 'json', result: JSON.parse(this.parts.join('')), ...(this.reply?.replayed ? { replayed: true as const } : {}) });
      } catch (err) {
        this.reject(err as Error);
      }
    }
  }

  /** The connection went away or the deadline passed. */
  abort(err: Error): void {
    this.complete = true;
    if (this.stream) this.stream.fail(err);
    else this.reject(err);
  }
}
