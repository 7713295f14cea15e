/**
 * What a stream connection carries, declared once: the messages the cloud
 * sends, the close codes it ends a connection with, and the bounds of a
 * connection. Both runtimes (the local server's `ws`, API Gateway's
 * WebSocket API) send exactly these. Pure, and free of the store's modules:
 * the console's stream client uses these types in the browser.
 */

import type { LiveStateMessage } from '../live/publisher.js';
import type { OperationalEventType } from '../operational/types.js';
import type { Envelope } from '../webhooks/envelope-shape.js';

/**
 * An event: the webhook envelope, with `type` saying it is an event. A box
 * event's own type is `data.event` (data is the box's body, as webhooks carry
 * it); an operational event's is `event` (its `seq` is null, it has no place
 * in the site's numbering).
 */
export type EventMessage = Omit<Envelope, 'type'> & { type: 'event'; event?: OperationalEventType };
/** The site's live state (cloud/src/live): a full picture, then changes. */
export type StateMessage = LiveStateMessage;
/** Sent every PING_MS so that proxies keep the connection and a client can tell a dead one. */
export interface PingMessage {
  type: 'ping';
}
/** Sent just before the cloud closes a connection (API Gateway cannot set a close code: the reason travels here too). */
export interface CloseMessage {
  type: 'close';
  code: number;
  reason: StreamCloseReason;
  message: string;
}
export type StreamMessage = EventMessage | StateMessage | PingMessage | CloseMessage;

/**
 * The event message of an event's envelope: `eventMessage(envelopeOf(e), isBoxEvent(e))`
 * (the envelope alone, so that the console's bundle needs none of the store's modules).
 */
export function eventMessage(envelope: Envelope, box = true): EventMessage {
  const { type, ...rest } = envelope;
  return box ? { type: 'event', ...rest } : { type: 'event', event: type as OperationalEventType, ...rest };
}

/**
 * Why the cloud closes a stream, and the WebSocket close code it uses
 * (4000-4999 are the application's). The reason is also the close frame's
 * reason text and the `reason` of the `close` message sent before it.
 */
export const STREAM_CLOSE = {
  'too-slow': { code: 4008, meaning: 'the client fell behind (its buffer passed its bound): reconnect with after=<the last event id it received>' },
  'after-expired': { code: 4410, meaning: 'an `after` id names no stored event, or one older than the resume window: reconnect without it (and fetch what was missed from the CDR API)' },
  'going-away': { code: 1001, meaning: 'the cloud is shutting down or the connection reached its age limit: reconnect with after=<the last event id>' },
  internal: { code: 1011, meaning: 'the cloud failed to read the stored events to resume: reconnect with the same after' },
} as const;
export type StreamCloseReason = keyof typeof STREAM_CLOSE;

export function closeMessage(reason: StreamCloseReason, message: string): CloseMessage {
  return { type: 'close', code: STREAM_CLOSE[reason].code, reason, message };
}

/** The bounds of a connection (tests may lower the buffer ones). */
export interface StreamLimits {
  /** Bytes sent but not yet taken by the client's TCP connection before it is cut as too slow. */
  maxBufferedBytes: number;
  /** Messages waiting (sent but not yet written out, or held while resuming) before it is cut. */
  maxBufferedMessages: number;
  /** How often a ping goes out. */
  pingMs: number;
  /** How far back `after` may reach (by the named event's time). */
  resumeWindowMs: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  maxBufferedBytes: 1 << 20,
  maxBufferedMessages: 5_000,
  pingMs: 25_000,
  resumeWindowMs: 24 * 3_600_000,
};

/** A ticket is good for this long, and for one connection. */
export const TICKET_TTL_MS = 60_000;
/** Bounds of a filter (the ticket's body, the stream's query). */
export const MAX_STREAM_SITES = 100;
export const MAX_STREAM_EXTENSIONS = 100;
