/**
 * A site's live state, declared once for the relay (which derives it from
 * AMI), the cloud (which keeps it per site and serves GET …/live) and the
 * stream (which forwards its changes): extensions, active calls, queues.
 *
 * The state travels as small typed changes, each one a whole entity upserted
 * or removed by its key, so applying a change twice is harmless and the
 * reducer (reduce.ts) stays trivial. Every collection is bounded here, where
 * it is validated, not after it was stored.
 */

import * as v from 'valibot';

/** Bounds of one site's state: beyond them the relay stops adding (and says so with `truncated`). */
export const LIVE_LIMITS = {
  extensions: 5000,
  calls: 2000,
  queues: 500,
  membersPerQueue: 500,
  callersPerQueue: 500,
  channelsPerCall: 16,
} as const;

const Key = v.pipe(v.string(), v.minLength(1), v.maxLength(128));
const Text = v.pipe(v.string(), v.maxLength(256));
/** ISO 8601 instant (UTC), as everywhere in /v1. */
const Instant = v.pipe(v.string(), v.maxLength(40));

/** Extension states as `extension-hints-status` reports them: "0" idle, "1" in use, "2" busy, "4" unavailable, "8" ringing, "16" on hold; sums combine. */
const ExtensionStatus = v.pipe(v.string(), v.regex(/^-?\d{1,3}$/));

/** Whether the extension's phone is registered (chan_sip PeerStatus, chan_pjsip ContactStatus), when Asterisk said. */
export const REGISTRATIONS = ['registered', 'unregistered', 'unreachable', 'unknown'] as const;

export const LiveExtensionSchema = v.object({
  extension: Key,
  /** The hint's device (SIP/800, PJSIP/800). */
  hint: v.optional(Text),
  /** The name the PBX knows it by (the box's `agentName`). */
  name: v.optional(Text),
  status: ExtensionStatus,
  /** Asterisk's words for the status (Idle, InUse, Ringing, …). */
  statusText: v.optional(Text),
  registration: v.optional(v.picklist(REGISTRATIONS)),
});

/** Channel states (the box's `channelstate`): 0 Down … 6 Up … 9 Pre-ring. */
const ChannelState = v.pipe(v.string(), v.regex(/^\d{1,2}$/));

export const LiveChannelSchema = v.object({
  uniqueid: Key,
  name: Text,
  state: ChannelState,
  callerNum: Text,
  callerName: v.optional(Text),
  connectedNum: v.optional(Text),
  connectedName: v.optional(Text),
  onHold: v.optional(v.boolean()),
});

export const CALL_STATES = ['ringing', 'up', 'queued', 'dialing'] as const;

export const LiveCallSchema = v.object({
  /** The call's Linkedid. */
  id: Key,
  channels: v.pipe(v.array(LiveChannelSchema), v.maxLength(LIVE_LIMITS.channelsPerCall)),
  caller: v.object({ number: Text, name: v.optional(Text) }),
  callee: v.optional(v.object({ number: Text, name: v.optional(Text) })),
  state: v.picklist(CALL_STATES),
  startedAt: Instant,
  /** The queue the caller waits in or was answered from. */
  queue: v.optional(Text),
  /** The queue member (interface) that answered. */
  agent: v.optional(Text),
  onHold: v.boolean(),
});

export const LiveMemberSchema = v.object({
  /** Lower-cased like the box's queue-info (`sip/876`). */
  interface: Key,
  name: v.optional(Text),
  paused: v.boolean(),
  pausedReason: v.optional(Text),
  inCall: v.boolean(),
  /** When the member's last call ended. */
  lastCall: v.optional(Instant),
  /** app_queue's device status (AST_DEVICE_*: 1 not in use, 2 in use, 4 invalid, 5 unavailable, 6 ringing …). */
  deviceStatus: v.optional(v.pipe(v.number(), v.integer())),
});

export const LiveCallerSchema = v.object({
  uniqueid: Key,
  number: Text,
  name: v.optional(Text),
  /** 1 = next to be answered. */
  position: v.pipe(v.number(), v.integer(), v.minValue(1)),
  since: Instant,
});

export const LiveQueueSchema = v.object({
  name: Key,
  members: v.record(Key, LiveMemberSchema),
  callers: v.record(Key, LiveCallerSchema),
});

export const LiveStateSchema = v.object({
  extensions: v.record(Key, LiveExtensionSchema),
  calls: v.record(Key, LiveCallSchema),
  queues: v.record(Key, LiveQueueSchema),
  /** The relay stopped adding entities at LIVE_LIMITS: the state misses some. */
  truncated: v.optional(v.boolean()),
});

/** One change: a whole entity upserted, or removed by its key. One table; the reducer handles each. */
export const LiveChangeSchema = v.variant('op', [
  v.object({ op: v.literal('extension'), extension: LiveExtensionSchema }),
  v.object({ op: v.literal('extension-removed'), extension: Key }),
  v.object({ op: v.literal('call'), call: LiveCallSchema }),
  v.object({ op: v.literal('call-removed'), id: Key }),
  /** A queue known to exist (QueueParams), possibly with no member yet. */
  v.object({ op: v.literal('queue'), queue: Key }),
  v.object({ op: v.literal('queue-removed'), queue: Key }),
  v.object({ op: v.literal('member'), queue: Key, member: LiveMemberSchema }),
  v.object({ op: v.literal('member-removed'), queue: Key, interface: Key }),
  v.object({ op: v.literal('caller'), queue: Key, caller: LiveCallerSchema }),
  v.object({ op: v.literal('caller-removed'), queue: Key, uniqueid: Key }),
  v.object({ op: v.literal('truncated'), truncated: v.boolean() }),
]);

export type LiveExtension = v.InferOutput<typeof LiveExtensionSchema>;
export type LiveChannel = v.InferOutput<typeof LiveChannelSchema>;
export type LiveCall = v.InferOutput<typeof LiveCallSchema>;
export type LiveMember = v.InferOutput<typeof LiveMemberSchema>;
export type LiveCaller = v.InferOutput<typeof LiveCallerSchema>;
export type LiveQueue = v.InferOutput<typeof LiveQueueSchema>;
export type LiveState = v.InferOutput<typeof LiveStateSchema>;
export type LiveChange = v.InferOutput<typeof LiveChangeSchema>;
export type LiveChangeOp = LiveChange['op'];

/** In reduce.ts (free of valibot, so the console's bundle can use the reducer without the schemas). */
export { emptyLiveState } from './reduce.js';
