/**
 * A client of the event stream (GET /v1/stream) over a real WebSocket:
 * collects what it receives, and how the connection was refused or closed.
 */
import WebSocket from 'ws';
import { waitFor } from './wait.js';

export interface StreamClient {
  messages: any[];
  /** The `event` messages, in the order received. */
  events(): any[];
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  waitForEvents(check: (events: any[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The stream's URL (`http://…/v1/stream`, or the AWS stand-in's `ws://…/prod`) and query; a ticket in the query or a tenant key in the header. */
export function openStreamClient(streamUrl: string, query: string, apiKey?: string): Promise<StreamClient> {
  const url = `${streamUrl.replace(/^http/, 'ws')}${query ? `?${query}` : ''}`;
  const ws = new WebSocket(url, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
  const messages: any[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => reject(Object.assign(new Error(`refused: ${res.statusCode} ${body}`), { status: res.statusCode, body: JSON.parse(body || '{}') })));
    });
    ws.on('error', reject);
    ws.on('open', () =>
      resolve({
        messages,
        events: () => messages.filter((m) => m.type === 'event'),
        closed,
        waitForEvents: (check, what, timeoutMs = 10_000) => waitFor(() => check(messages.filter((m) => m.type === 'event')), { what, timeoutMs }).then(() => undefined),
        close: async () => {
          ws.close();
          await closed;
        },
      }),
    );
  });
}

/** The refusal of an upgrade: its status and /v1 error body. */
export async function refusedStream(streamUrl: string, query: string, apiKey?: string): Promise<{ status: number; body: any }> {
  try {
    const c = await openStreamClient(streamUrl, query, apiKey);
    await c.close();
  } catch (err) {
    return err as { status: number; body: any };
  }
  throw new Error('the stream was not refused');
}
