/**
 * What the event pipeline tells the live state: every AMI event it maps, and
 * each login's snapshot lists. The tracker follows, the uplink sends.
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import type { LiveUplink } from '../tunnel/live-uplink.js';
import type { LiveSnapshot, LiveTracker } from './tracker.js';

export class LiveFeed {
  constructor(
    readonly tracker: LiveTracker,
    private readonly uplink: LiveUplink,
  ) {}

  message(msg: AmiMessage, atMs: number): void {
    this.tracker.apply(msg, atMs);
    if (this.tracker.pendingChanges > 0) this.uplink.changed();
  }

  /** Before the snapshot lists are asked for: what rebuild() needs to tell older answers from newer events. */
  snapshotAsked(): number {
    return this.tracker.mark();
  }

  /** The lists came back (after an AMI login): the state is rebuilt and goes up whole. */
  snapshot(lists: LiveSnapshot, mark: number, atMs: number): void {
    this.tracker.rebuild(lists, mark, atMs);
    this.uplink.full('AMI login snapshot');
  }
}
