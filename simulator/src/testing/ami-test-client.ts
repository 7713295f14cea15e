/**
 * A deliberately plain AMI client for the simulator's tests: a real TCP
 * socket, the product's AmiDecoder, every received message kept in order.
 * It makes no decisions of its own, so tests see exactly what was sent.
 */

import net from 'node:net';
import { AmiDecoder } from '../../../ami-codec/src/decoder.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';

export interface ActionAnswer {
  response: AmiMessage;
  /** List events that followed (EventList), up to and including the …Complete event. */
  events: AmiMessage[];
}

export class AmiTestClient {
  readonly messages: AmiMessage[] = [];
  /** Raw bytes received, for byte-level checks. */
  raw = Buffer.alloc(0);
  closed = false;
  private readonly decoder = new AmiDecoder({ expectBanner: true });
  private waiters: Array<() => void> = [];
  private seq = 0;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.raw = Buffer.concat([this.raw, chunk]);
      this.decoder.push(chunk, (m) => this.messages.push(m));
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<AmiTestClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host);
      socket.once('connect', () => resolve(new AmiTestClient(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  /** Resolve once `pred` holds over the messages received so far. */
  async waitFor<T>(pred: () => T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pred();
      if (v) return v;
      if (this.closed) {
        const again = pred();
        if (again) return again;
        throw new Error(`connection closed while waiting for ${what}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  waitClosed(timeoutMs = 5000): Promise<true> {
    return this.waitFor(() => this.closed || undefined, timeoutMs, 'close');
  }

  /** Write raw bytes (one action, several, or something malformed). */
  write(text: string): void {
    this.socket.write(text);
  }

  /** Send an action; `fields` values may be arrays (repeated headers). */
  send(action: string, fields: Record<string, string | string[]> = {}, actionId: string | null = `t-${++this.seq}`): string | null {
    let out = `Action: ${action}\r\n`;
    for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) out += `${k}: ${one}\r\n`;
    if (actionId !== null) out += `ActionID: ${actionId}\r\n`;
    this.write(out + '\r\n');
    return actionId;
  }

  /** Send an action and wait for its response (and its list, when it has one). */
  async action(action: string, fields: Record<string, string | string[]> = {}, timeoutMs = 5000): Promise<ActionAnswer> {
    const id = this.send(action, fields) as string;
    const response = await this.waitFor(() => this.messages.find((m) => m.kind === 'response' && m.get('ActionID') === id), timeoutMs, `response to ${action}`);
    if (response.get('EventList') !== 'start') return { response, events: [] };
    const done = await this.waitFor(
      () => this.messages.find((m) => m.kind === 'event' && m.get('ActionID') === id && m.get('EventList') === 'Complete'),
      timeoutMs,
      `list of ${action}`,
    );
    const events = this.messages.filter((m) => m.kind === 'event' && m.get('ActionID') === id && m !== response);
    return { response, events: events.slice(0, events.indexOf(done) + 1) };
  }

  async login(username = 'admin', secret = 'secret', events = 'on'): Promise<AmiMessage> {
    const { response } = await this.action('Login', { Username: username, Secret: secret, Events: events });
    return response;
  }

  /** Unsolicited events (they carry a Privilege; list items do not, except Status), in order. */
  events(): AmiMessage[] {
    return this.messages.filter((m) => m.kind === 'event' && m.has('Privilege') && m.event !== 'Status');
  }

  close(): void {
    this.socket.destroy();
  }
}
