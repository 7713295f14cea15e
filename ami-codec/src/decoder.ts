/**
 * A pure, incremental AMI decoder: bytes in, messages out.
 *
 * It holds no socket and no timer, so it is tested on raw bytes alone. Any
 * chunking works, down to one byte per call: a partial frame is kept as a list
 * of slices and joined once, when its end arrives, so tiny chunks cost O(n).
 *
 * Wire format (Asterisk's manager.c): `Key: Value` lines ended by CRLF, a
 * message ended by an empty line. Tolerated on top, because real servers send
 * them: a bare LF as line end (PJSIP's error messages end `\n\r\n\r\n`), the
 * one-line banner without a blank line after it, stray empty lines between
 * messages, and the legacy `Response: Follows` form of Command, whose body is
 * raw CLI text (which may contain empty lines) closed by `--END COMMAND--`.
 */

import { codecError } from './errors.js';
import { AmiMessage } from './message.js';

const LF = 10;
const CR = 13;
const CRLF_END = Buffer.from('\n\r\n');
const BARE_END = Buffer.from('\n\n');

/** Scanner states: where in a line the last byte left us. */
const MID_LINE = 0;
const LINE_START = 1; // just after LF
const LINE_START_CR = 2; // LF then CR: one more LF ends the message

export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

export interface AmiDecoderOptions {
  /** A message bigger than this is a protocol error (a stuck or hostile peer). */
  maxFrameBytes?: number;
  /** The server opens with a one-line banner (`Asterisk Call Manager/9.0.0`). */
  expectBanner?: boolean;
}

export type MessageSink = (message: AmiMessage) => void;

export class AmiDecoder {
  private readonly maxFrameBytes: number;
  private bannerPending: boolean;
  /** Slices of the message in progress, from earlier chunks. */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private state = LINE_START;

  constructor(options: AmiDecoderOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.bannerPending = options.expectBanner ?? true;
  }

  /** Bytes held for a message not yet complete. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Forget any partial message; the next bytes start a fresh session (banner first). */
  reset(expectBanner = true): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.state = LINE_START;
    this.bannerPending = expectBanner;
  }

  /**
   * Feed one chunk. Complete messages go to `sink` in order.
   * Throws AmiError(AMI_PROTOCOL) when a message outgrows the size bound; the
   * caller should then drop the connection, as the stream can't be trusted.
   */
  push(chunk: Uint8Array, sink: MessageSink): void {
    let start = 0;
    const n = chunk.length;
    if (n === 0) return;
    if (this.bannerPending) {
      start = this.takeBanner(chunk, sink);
      if (this.bannerPending) return;
    }
    const buf = asBuffer(chunk);
    let i = start;
    // A message end may straddle two chunks ("…\r\n" | "\r\n"): settle the
    // carried-over line state byte by byte until we are inside a line again.
    const carried = this.state;
    let state = carried;
    while (i < n && state !== MID_LINE) {
      const b = buf[i];
      if (b === LF) {
        this.completeFrame(buf, start, i + 1, sink); // emitted, or held in `pending`
        start = i + 1;
        state = LINE_START;
      } else if (b === CR && state === LINE_START) state = LINE_START_CR;
      else state = MID_LINE;
      i++;
    }
    // Then jump from message end to message end with native searches: CRLF
    // CRLF is what Asterisk sends; a bare "\n\n" is looked for once per chunk.
    let bare = i < n ? buf.indexOf(BARE_END, i) : -1;
    while (i < n) {
      let end = buf.indexOf(CRLF_END, i);
      if (bare >= 0 && bare < i) bare = buf.indexOf(BARE_END, i);
      let termLen = 3;
      if (bare >= 0 && (end < 0 || bare < end)) ((end = bare), (termLen = 2));
      if (end < 0) break;
      const stop = end + termLen;
      this.completeFrame(buf, start, stop, sink);
      start = stop;
      i = stop;
    }
    if (start === n) {
      this.state = LINE_START; // the chunk ended exactly at a message end
      return;
    }
    this.state = tailState(buf, n, carried);
    const rest = buf.subarray(start);
    this.pendingBytes += rest.length;
    if (this.pendingBytes > this.maxFrameBytes) {
      const size = this.pendingBytes;
      this.reset(false);
      throw codecError('AMI_PROTOCOL', `AMI message exceeds ${this.maxFrameBytes} bytes (${size} buffered without an end)`);
    }
    this.pending.push(rest);
  }

  /** Consume the banner line if the chunk holds it; returns where messages begin. */
  private takeBanner(chunk: Uint8Array, sink: MessageSink): number {
    const lf = chunk.indexOf(LF);
    if (lf < 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes > this.maxFrameBytes) {
        this.reset(false);
        throw codecError('AMI_PROTOCOL', 'AMI banner line too long');
      }
      return chunk.length;
    }
    const bytes = this.join(chunk, 0, lf);
    let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    this.bannerPending = false;
    if (text.length > 0 && text.indexOf(': ') < 0) {
      sink(AmiMessage.banner(text));
      return lf + 1;
    }
    // No banner after all (a proxy, or a test server): this line is a header.
    // Re-feed it as message bytes.
    this.pending = [bytes, new Uint8Array([LF])];
    this.pendingBytes = bytes.length + 1;
    this.state = LINE_START;
    return lf + 1;
  }

  /** Join earlier slices with chunk[from, to). */
  private join(chunk: Uint8Array, from: number, to: number): Uint8Array {
    if (this.pending.length === 0) return chunk.subarray(from, to);
    const parts = this.pending;
    parts.push(chunk.subarray(from, to));
    const joined = Buffer.concat(parts);
    this.pending = [];
    this.pendingBytes = 0;
    return joined;
  }

  /**
   * A blank line ended chunk[start, end). Returns true when a message was
   * emitted (or skipped as empty), false when the bytes were moved to
   * `pending` because they are an unfinished legacy Follows body.
   */
  private completeFrame(chunk: Buffer, start: number, end: number, sink: MessageSink): boolean {
    const size = this.pendingBytes + (end - start);
    if (size > this.maxFrameBytes) {
      this.reset(false);
      throw codecError('AMI_PROTOCOL', `AMI message exceeds ${this.maxFrameBytes} bytes`);
    }
    const buf = this.pending.length === 0 ? chunk.subarray(start, end) : peekJoin(this.pending, chunk, start, end);
    const text = buf.toString('utf8');
    if (isFollows(text)) {
      if (!endsWithEndCommand(text)) {
        // Keep everything; the empty line belongs to the CLI output.
        if (this.pending.length === 0) {
          this.pending.push(chunk.subarray(start, end));
          this.pendingBytes = end - start;
        } else {
          this.pending = [buf];
          this.pendingBytes = buf.length;
        }
        return false;
      }
      this.pending = [];
      this.pendingBytes = 0;
      sink(parseFollows(text));
      return true;
    }
    this.pending = [];
    this.pendingBytes = 0;
    const fields = parseHeaders(text);
    if (fields.length > 0) sink(new AmiMessage(fields));
    return true;
  }
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Line state after the last byte of a chunk in which no message end remains.
 * It depends on the last two bytes only; for a one-byte chunk the byte before
 * is summed up by the state carried in.
 */
function tailState(buf: Buffer, n: number, carried: number): number {
  const last = buf[n - 1];
  if (last === LF) return LINE_START;
  if (last === CR && (n >= 2 ? buf[n - 2] === LF : carried === LINE_START)) return LINE_START_CR;
  return MID_LINE;
}

function peekJoin(pending: Uint8Array[], chunk: Uint8Array, start: number, end: number): Buffer {
  return Buffer.concat([...pending, chunk.subarray(start, end)]);
}

const FOLLOWS = 'Response: Follows';

function isFollows(text: string): boolean {
  // Stray empty lines may precede the message.
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) === CR || text.charCodeAt(i) === LF)) i++;
  return text.length - i >= FOLLOWS.length && text.slice(i, i + FOLLOWS.length).toLowerCase() === FOLLOWS.toLowerCase();
}

const END_COMMAND = '--END COMMAND--';

function endsWithEndCommand(text: string): boolean {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === CR || text.charCodeAt(end - 1) === LF)) end--;
  return text.lastIndexOf(END_COMMAND, end) === end - END_COMMAND.length && end >= END_COMMAND.length;
}

/** Split `Key: Value` lines. A line without a colon is kept as `Output`. */
export function parseHeaders(text: string): string[] {
  const fields: string[] = [];
  const n = text.length;
  let pos = 0;
  while (pos < n) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = n;
    let lineEnd = eol;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === CR) lineEnd--;
    if (lineEnd > pos) {
      const colon = text.indexOf(':', pos);
      if (colon < 0 || colon >= lineEnd) {
        fields.push('Output', text.slice(pos, lineEnd));
      } else {
        let v = colon + 1;
        if (v < lineEnd && text.charCodeAt(v) === 32) v++;
        fields.push(text.slice(pos, colon), text.slice(v, lineEnd));
      }
    }
    pos = eol + 1;
  }
  return fields;
}

/**
 * Legacy Command answer: `Response: Follows`, `Privilege:`, optional
 * `ActionID:`, then raw CLI output up to `--END COMMAND--`. Output lines come
 * out as `Output` headers, as Asterisk 14+ sends them.
 */
function parseFollows(text: string): AmiMessage {
  const fields: string[] = [];
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /^(Response|Privilege|ActionID): ?(.*)$/i.exec(lines[i]);
    if (!m) break;
    fields.push(m[1], m[2]);
  }
  for (; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith(END_COMMAND)) {
      line = line.slice(0, -END_COMMAND.length);
      if (line.length > 0) fields.push('Output', line);
      break;
    }
    fields.push('Output', line);
  }
  return new AmiMessage(fields, 'response');
}
