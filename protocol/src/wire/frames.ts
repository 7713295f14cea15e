/**
 * The tunnel's wire protocol, defined once for both ends. Every frame is one
 * JSON text message of at most 32 KB (API Gateway's WebSocket frame limit);
 * larger replies travel as numbered parts, and recordings never ride the
 * tunnel on AWS (the relay uploads them to object storage).
 *
 *   relay → cloud   hello, reply, part, events, status, state, pong, ping, error
 *   cloud → relay   welcome, command, ack, state-sync, ping, pong, reconnect, error
 *
 * Frames are validated with valibot at both ends: a frame that does not match
 * its schema is refused, never half-understood.
 */

import * as v from 'valibot';
import { CommandSchema } from '../box-api/commands.js';
import { EVENT_TYPES } from '../events/box-events.js';
import { LiveChangeSchema } from '../live/state.js';

/** Bumped on any incompatible change; `hello` carries it and a mismatch is refused. */
export const PROTOCOL_VERSION = 1;

/** API Gateway refuses WebSocket frames above 32 KB. */
export const MAX_FRAME_BYTES = 32 * 1024;

/** WebSocket close codes of the tunnel (4000-4999 are for applications). */
export const CloseCode = {
  VERSION_MISMATCH: 4000,
  UNAUTHORIZED: 4001,
  REPLACED: 4002,
  TOKEN_REVOKED: 4003,
  PROTOCOL_ERROR: 4004,
  SERVER_RESTART: 4005,
} as const;

/** Codes of fatal `error` frames (the cloud's word where API Gateway cannot send a close code). */
export const FatalErrorCode = {
  VERSION_MISMATCH: 'version-mismatch',
  TOKEN_REVOKED: 'token-revoked',
  /** The relay's lastSeq is below what the cloud already stored for the site; `mark` says how far. */
  SEQ_REGRESSION: 'seq-regression',
} as const;

/**
 * Optional features, announced in hello (what the relay can send) and welcome
 * (what the cloud accepts) without bumping PROTOCOL_VERSION: either end that
 * does not name one never sees its frames. Ends that predate `caps` drop the
 * unknown field (valibot objects strip what they do not declare).
 *   live-state   the relay sends `state` frames; the cloud may ask `state-sync`
 */
export const CAPABILITIES = ['live-state'] as const;
export type Capability = (typeof CAPABILITIES)[number];
/** Unknown names are kept out, not refused: a newer peer may name more. */
const Caps = v.pipe(v.array(v.pipe(v.string(), v.maxLength(64))), v.maxLength(32));

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(128));
/**
 * Sequence numbers, part numbers and sizes: safe integers (≤ 2^53 − 1). JSON
 * calls 1e300 an integer too, but it cannot be stored or counted from, so it
 * is refused here, where the frame comes in, not forever at storage.
 */
const Seq = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const ShortText = v.pipe(v.string(), v.maxLength(2048));

/**
 * What the relay says about its AMI side, in `hello` and `status`: whether it
 * can serve commands, why not, and `amiChange`, which counts the relay's
 * changes of that state: the cloud may handle frames out of order (API
 * Gateway runs them in parallel), and keeps the statement with the highest.
 */
const AmiStatement = {
  amiConnected: v.boolean(),
  amiChange: v.optional(Seq),
  amiReason: v.optional(ShortText),
};

/**
 * What the relay's api.conf says about the site that the cloud shows with it
 * (README "The agent toolbar"): the box's screen-pop URL template and, when
 * after-call work is on, its length. Optional fields: a cloud that predates
 * them drops them (valibot objects strip what they do not declare), a relay
 * that predates them sends none.
 */
const SiteSettings = {
  /** `[general] pop_url`, as written (the cloud checks it before using it). */
  popUrl: v.optional(ShortText),
  /** `[enable] wrapup_seconds` when `pausetime = yes`; absent: no after-call work. */
  wrapupSeconds: v.optional(v.pipe(Seq, v.maxValue(86_400))),
};

const Hello = v.object({
  t: v.literal('hello'),
  v: v.number(),
  relay: ShortText,
  ...AmiStatement,
  /** Highest seq in the relay's spool. */
  lastSeq: Seq,
  /**
   * Highest seq the relay counts as stored by the cloud: it never sends one
   * at or below it. Above the cloud's mark only when the relay chose not to
   * upload older events (a cloud added to a relay that ran LAN-only).
   */
  ackedSeq: v.optional(Seq),
  caps: v.optional(Caps),
  ...SiteSettings,
});

const Welcome = v.object({
  t: v.literal('welcome'),
  v: v.number(),
  siteId: Id,
  /** Highest seq the cloud has stored for this site: the relay may skip up to it. */
  ackedSeq: Seq,
  /** How often the relay should ping. */
  pingMs: v.pipe(Seq, v.minValue(1000)),
  caps: v.optional(Caps),
});

const CommandFrame = v.object({
  t: v.literal('command'),
  id: Id,
  /** Epoch ms after which the cloud no longer waits: the relay does not start it then. */
  deadline: v.number(),
  /** The box command, declared in box-api/commands.ts. */
  cmd: CommandSchema,
  /** The HTTP caller's Idempotency-Key, for write commands. */
  idem: v.optional(Id),
  /** The cloud's id of the HTTP request the command serves: both sides log it (LogField.requestId). */
  requestId: v.optional(Id),
  /** Where to upload a recording (presigned PUT), instead of streaming it through the tunnel. */
  upload: v.optional(v.object({ url: v.pipe(v.string(), v.maxLength(8192)), headers: v.optional(v.record(v.string(), v.string())) })),
});

const ErrorBody = v.object({ status: v.number(), message: ShortText });

const Reply = v.object({
  t: v.literal('reply'),
  id: Id,
  ok: v.boolean(),
  result: v.optional(v.unknown()),
  error: v.optional(ErrorBody),
  /** The result is JSON text split over this many `part` frames. */
  parts: v.optional(v.pipe(Seq, v.minValue(1))),
  /** The answer is the first run's, given again for a repeated Idempotency-Key (the command did not run again). */
  replayed: v.optional(v.literal(true)),
  /** The result is a file streamed in `part` frames (base64), or uploaded (`uploaded`). */
  stream: v.optional(v.object({ contentType: ShortText, size: Seq, uploaded: v.optional(v.boolean()), /** mtime, epoch ms: the ETag and Last-Modified. */ modified: v.optional(Seq) })),
});

const Part = v.object({
  t: v.literal('part'),
  id: Id,
  n: Seq,
  last: v.boolean(),
  data: v.string(),
});

const EventRecord = v.object({
  seq: v.pipe(Seq, v.minValue(1)),
  event: v.looseObject({ event: v.picklist(EVENT_TYPES) }),
  /** The call (Asterisk Linkedid): webhooks with ordered delivery keep one call's events in order. */
  call: v.optional(v.pipe(v.string(), v.maxLength(256))),
  /** Made for something that happened while the relay was not listening (Asterisk's own records, or a call closed after an outage). */
  recovered: v.optional(v.boolean()),
  /** Some of the event's fields could not be known: left as the box leaves unknown fields. */
  partial: v.optional(v.boolean()),
});

const Events = v.object({ t: v.literal('events'), events: v.pipe(v.array(EventRecord), v.minLength(1)) });
const Ack = v.object({ t: v.literal('ack'), seq: Seq });
const Status = v.object({ t: v.literal('status'), ...AmiStatement });
const Ping = v.object({ t: v.literal('ping'), ts: v.number() });
const Pong = v.object({ t: v.literal('pong'), ts: v.number() });
const Reconnect = v.object({ t: v.literal('reconnect'), reason: ShortText });
/**
 * The site's live state (protocol/src/live): not events, so no spool, no seq,
 * no ack. `ver` counts the state frames of one connection from 1, so the
 * cloud applies a delta only onto the frame before it and sees a gap (a lost
 * or reordered frame) as a jump; it then asks `state-sync`. `reset` starts a
 * full snapshot (after the connection opens, after each AMI login, on
 * request); a snapshot larger than a frame continues in frames marked
 * `partial` until one without it.
 */
const State = v.object({
  t: v.literal('state'),
  ver: v.pipe(Seq, v.minValue(1)),
  /** Epoch ms (relay clock) the changes were taken. */
  at: v.number(),
  reset: v.optional(v.literal(true)),
  partial: v.optional(v.literal(true)),
  changes: v.pipe(v.array(LiveChangeSchema), v.maxLength(5000)),
});
/** The cloud lost track of the live state (a gap, a restart): the relay answers with a full snapshot. */
const StateSync = v.object({ t: v.literal('state-sync'), reason: ShortText });

const ErrorFrame = v.object({
  t: v.literal('error'),
  code: ShortText,
  message: ShortText,
  fatal: v.boolean(),
  /** `seq-regression`: the cloud's ack mark for the site, above the relay's lastSeq. */
  mark: v.optional(Seq),
});

export const RelayFrameSchema = v.variant('t', [Hello, Reply, Part, Events, Status, State, Ping, Pong, ErrorFrame]);
export const CloudFrameSchema = v.variant('t', [Welcome, CommandFrame, Ack, StateSync, Ping, Pong, Reconnect, ErrorFrame]);

export type HelloFrame = v.InferOutput<typeof Hello>;
export type StatusFrame = v.InferOutput<typeof Status>;
/** The AMI fields of `hello` and `status`. */
export type AmiStatementT = Pick<StatusFrame, 'amiConnected' | 'amiChange' | 'amiReason'>;
export type WelcomeFrame = v.InferOutput<typeof Welcome>;
export type CommandFrameT = v.InferOutput<typeof CommandFrame>;
export type ReplyFrame = v.InferOutput<typeof Reply>;
export type PartFrame = v.InferOutput<typeof Part>;
export type EventsFrame = v.InferOutput<typeof Events>;
export type AckFrame = v.InferOutput<typeof Ack>;
export type StateFrame = v.InferOutput<typeof State>;
export type StateSyncFrame = v.InferOutput<typeof StateSync>;
export type ErrorFrameT = v.InferOutput<typeof ErrorFrame>;
export type RelayFrame = v.InferOutput<typeof RelayFrameSchema>;
export type CloudFrame = v.InferOutput<typeof CloudFrameSchema>;
