/**
 * Where the cloud hands every applied live-state snapshot or delta, for the
 * stream (issue 13, "The stream") to forward to connections that asked for
 * state. Called after the state was stored, in the order it was applied for
 * a site; never awaited by the tunnel for longer than the call itself, and a
 * publisher must not throw (it logs its own failures).
 */

import type { LiveChange, LiveState } from '../../../protocol/src/live/state.js';

/** The stream's `state` message. `full` after a snapshot, else `changes`; `online` when the relay came or went. */
export interface LiveStateMessage {
  type: 'state';
  siteId: string;
  /** ISO 8601: when the relay took the state. */
  at: string;
  full?: LiveState;
  changes?: LiveChange[];
  /** The relay's connection came up (true) or went away (false): while false the state is stale. */
  online?: boolean;
}

/** The site's state before and after the frame a `changes` message comes from (what a stateless publisher reduces per agent). */
export interface LiveStates {
  before: LiveState;
  after: LiveState;
}

export interface LivePublisher {
  publish(tenantId: string, siteId: string, message: LiveStateMessage, states?: LiveStates): void | Promise<void>;
}

/** The default: nobody listens. */
export const noLivePublisher: LivePublisher = { publish() {} };

/** A site's full state as stored (store/live.ts LiveItem: not imported, the console imports this module), the first `state` message of a connection that asks for state (both runtimes). */
export function fullStateMessage(siteId: string, item: { at: string; state: LiveState; online: boolean }): LiveStateMessage {
  return { type: 'state', siteId, at: item.at, full: item.state, online: item.online };
}
