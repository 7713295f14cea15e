/**
 * Each site's live state (protocol/src/live), one item per site:
 *
 *   PK S#<siteId>  SK LIVE   conn, ver, at, syncing, online, since, state (gzip JSON), tooLarge
 *
 * Written conditionally on (conn, ver) as read, so two processes applying
 * frames of one site (concurrent Lambda invocations) cannot apply deltas out
 * of order or over each other: the loser reads again and retries. A delta
 * applies only onto the frame before it of the same connection; a snapshot
 * (`reset`) onto anything older. The last item read is cached in memory, so
 * a single writer (the local hub) reads DynamoDB only after losing a race.
 *
 * DynamoDB items stop at 400 KB: the state is stored gzipped (JSON of a
 * busy site compresses ~10×). A state still over MAX_STATE_BYTES is not
 * stored: the item keeps its place (conn, ver) with `tooLarge`, GET …/live
 * says the state is not available, and the next snapshot that fits repairs it.
 */

import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { applyLiveChanges } from '../../../protocol/src/live/reduce.js';
import { emptyLiveState, type LiveState } from '../../../protocol/src/live/state.js';
import type { StateFrame } from '../../../protocol/src/wire/frames.js';

/** Room under DynamoDB's 400 KB for the item's other attributes. */
export const MAX_STATE_BYTES = 380_000;

export interface LiveItem {
  siteId: string;
  /** The relay connection whose frames built the state. */
  conn: string;
  ver: number;
  /** ISO 8601: when the relay took the state (its last frame's `at`). */
  at: string;
  /** A snapshot in several frames is arriving: the state is incomplete. */
  syncing: boolean;
  /** False once that connection closed. */
  online: boolean;
  /** ISO 8601: when `online` last changed. */
  since: string;
  state: LiveState;
  /** The state outgrew MAX_STATE_BYTES compressed: not stored. */
  tooLarge?: boolean;
}

export type ApplyOutcome =
  /** `full`: the frame completed a snapshot (the state is whole again), else it was a delta; `before`: the state it applied onto. */
  | { kind: 'applied'; item: LiveItem; full: boolean; before: LiveState }
  /** Already applied (a frame delivered twice, or older than a newer snapshot). */
  | { kind: 'old' }
  /** A delta whose predecessor this store has not seen: a snapshot is needed. */
  | { kind: 'gap'; have?: { conn: string; ver: number } };

interface Stored {
  conn: string;
  ver: number;
  at: string;
  syncing: boolean;
  online: boolean;
  since: string;
  state?: Uint8Array;
  tooLarge?: boolean;
}

const RACE_RETRIES = 5;

export class LiveStore {
  private readonly cache = new Map<string, LiveItem>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(siteId: string): Promise<LiveItem | undefined> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: key(siteId), ConsistentRead: true }));
    if (!r.Item) return undefined;
    const item = decode(siteId, r.Item as Stored);
    this.cache.set(siteId, item);
    return item;
  }

  /** Apply one state frame of connection `conn`. */
  async apply(siteId: string, conn: string, frame: StateFrame, nowMs: number): Promise<ApplyOutcome> {
    for (let attempt = 0; ; attempt++) {
      const cached = attempt === 0 && this.cache.has(siteId);
      let prev = cached ? this.cache.get(siteId) : await this.get(siteId);
      let verdict = judge(prev, conn, frame);
      // Another process may have moved the item on since this one cached it: only a fresh read may refuse.
      if (verdict !== 'apply' && cached) verdict = judge((prev = await this.get(siteId)), conn, frame);
      if (verdict !== 'apply') return verdict === 'old' ? { kind: 'old' } : { kind: 'gap', have: prev && { conn: prev.conn, ver: prev.ver } };
      const base = frame.reset || !prev || prev.tooLarge ? emptyLiveState() : prev.state;
      const item: LiveItem = {
        siteId,
        conn,
        ver: frame.ver,
        at: new Date(frame.at).toISOString(),
        syncing: frame.reset ? frame.partial === true : (prev?.syncing ?? false) && frame.partial === true,
        // A late frame of a connection already closed does not bring it back online.
        online: prev?.conn === conn ? prev.online : true,
        since: prev?.conn === conn ? prev.since : new Date(nowMs).toISOString(),
        state: applyLiveChanges(base, frame.changes, frame.reset === true),
      };
      if (!frame.reset && prev?.tooLarge) item.tooLarge = true;
      try {
        await this.put(item, prev);
        this.cache.set(siteId, item);
        return { kind: 'applied', item, full: !item.syncing && (frame.reset === true || prev?.syncing === true), before: base };
      } catch (err) {
        if ((err as { name?: string }).name !== 'ConditionalCheckFailedException' || attempt >= RACE_RETRIES) throw err;
        this.cache.delete(siteId);
      }
    }
  }

  /** The connection that built the state closed: the state is kept, marked offline. */
  async offline(siteId: string, conn: string, nowMs: number): Promise<boolean> {
    this.cache.delete(siteId);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(siteId),
          // `online` is one of DynamoDB's reserved words.
          UpdateExpression: 'SET #online = :f, #since = :s',
          ConditionExpression: '#conn = :c AND #online = :t',
          ExpressionAttributeNames: { '#online': 'online', '#since': 'since', '#conn': 'conn' },
          ExpressionAttributeValues: { ':f': false, ':t': true, ':s': new Date(nowMs).toISOString(), ':c': conn },
        }),
      );
      return true;
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  private async put(item: LiveItem, prev: LiveItem | undefined): Promise<void> {
    const zipped = gzipSync(JSON.stringify(item.state));
    const tooLarge = item.tooLarge || zipped.byteLength > MAX_STATE_BYTES;
    if (tooLarge) item.tooLarge = true;
    const stored: Stored & { PK: string; SK: string; type: string } = {
      ...key(item.siteId),
      type: 'live',
      conn: item.conn,
      ver: item.ver,
      at: item.at,
      syncing: item.syncing,
      online: item.online,
      since: item.since,
      ...(tooLarge ? { tooLarge: true } : { state: zipped }),
    };
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: stored,
        ...(prev
          ? {
              // `online` too: an offline mark changes no version, and a writer holding the state from before it must not put it back online.
              ConditionExpression: '#conn = :c AND #ver = :v AND #online = :o',
              ExpressionAttributeNames: { '#conn': 'conn', '#ver': 'ver', '#online': 'online' },
              ExpressionAttributeValues: { ':c': prev.conn, ':v': prev.ver, ':o': prev.online },
            }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      }),
    );
  }
}

/**
 * Whether a frame applies onto what is stored. Versions count per
 * connection: a snapshot applies onto an older version of its own, or onto
 * another connection's state that is offline or older (by the relay's `at`);
 * a delta only right after the version before it.
 */
export function judge(prev: LiveItem | undefined, conn: string, frame: StateFrame): 'apply' | 'old' | 'gap' {
  const same = prev !== undefined && prev.conn === conn;
  if (frame.reset && same) return frame.ver <= prev.ver ? 'old' : 'apply';
  // Another connection's snapshot replaces the state unless it is older than it (a late frame of a replaced connection).
  if (frame.reset) return !prev || !prev.online || frame.at >= Date.parse(prev.at) ? 'apply' : 'old';
  if (!same) return 'gap';
  if (frame.ver <= prev.ver) return 'old';
  return frame.ver === prev.ver + 1 ? 'apply' : 'gap';
}

function key(siteId: string) {
  return { PK: `S#${siteId}`, SK: 'LIVE' };
}

function decode(siteId: string, s: Stored): LiveItem {
  const state = s.state && !s.tooLarge ? (JSON.parse(gunzipSync(s.state).toString('utf8')) as LiveState) : emptyLiveState();
  return { siteId, conn: s.conn, ver: s.ver, at: s.at, syncing: s.syncing, online: s.online, since: s.since, state, ...(s.tooLarge ? { tooLarge: true } : {}) };
}
