/**
 * The pending-action table without a socket: a recorded session's bytes are
 * decoded and fed to it as the client would, time on a manual clock.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../protocol/src/clock.js';
import { loadRecording } from '../../../test/helpers/recordings.js';
import { AmiDecoder } from '../../../ami-codec/src/decoder.js';
import { amiError, type AmiError } from './errors.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { PendingActions, type AmiReply } from './pending.js';

function decode(bytes: Buffer | string, expectBanner = false): AmiMessage[] {
  const out: AmiMessage[] = [];
  new AmiDecoder({ expectBanner }).push(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes, (m) => out.push(m));
  return out;
}

/** Feed Asterisk's messages as the client does: responses, then list items; the rest are events. */
function feed(table: PendingActions, messages: AmiMessage[], duringLogin = false): AmiMessage[] {
  const events: AmiMessage[] = [];
  for (const m of messages) {
    if (m.kind === 'response') table.response(m, duringLogin);
    else if (m.kind === 'event' && !table.listEvent(m)) events.push(m);
  }
  return events;
}

type Settled<T> = { value?: T; error?: AmiError };
const settled = <T>(p: Promise<T>): Promise<Settled<T>> => p.then((value) => ({ value }), (error: AmiError) => ({ error }));

describe('pending AMI actions', () => {
  it('settles a recorded session\'s actions: list items and Complete, empty lists, refusals, Goodbye', async () => {
    const rec = loadRecording('action-queuestatus');
    const received = rec.received.toString('latin1');
    const clock = new ManualClock(0);
    const table = new PendingActions({ clock, idPrefix: 'action-queuestatus-' });
    // The recorder's ActionIDs are this prefix and a counter, like ours.
    const sent = decode(rec.sent).map((a) => ({ action: a.get('Action')!, id: a.get('ActionID')! }));
    const replies = sent.map(({ action, id }) => {
      expect(table.nextId()).toBe(id);
      return settled(table.add(action, id, 5000));
    });
    const unsolicited = feed(table, decode(rec.received, true));
    expect(unsolicited).toEqual([]);
    expect(table.size).toBe(0);
    expect(clock.pending).toBe(0);

    const results = await Promise.all(replies);
    const byId = (n: number): Settled<AmiReply> => results[n - 1];
    /** The list items the recording holds for one ActionID, counted in its text. */
    const items = (n: number) => received.split('\r\n\r\n').filter((f) => f.startsWith('Event:') && f.includes(`ActionID: action-queuestatus-${n}`) && !/EventList: Complete/i.test(f));
    for (const n of [2, 3, 4, 5]) {
      expect(byId(n).value!.events.map((e) => e.event)).toEqual(items(n).map((f) => /^Event: (\S+)/.exec(f)![1]));
      expect(byId(n).value!.complete!.event).toMatch(/Complete$/);
      expect(byId(n).value!.response.get('EventList')).toBe('start');
    }
    expect(byId(2).value!.events.length).toBeGreaterThan(3);
    expect(byId(6).value).toMatchObject({ events: [] }); // nosuchqueue: an empty list, not an error
    expect(byId(7).error).toMatchObject({
      code: 'AMI_ACTION_FAILED',
      action: 'Queues',
      amiMessage: 'Invalid/unknown command: Queues. Use Action: ListCommands to show available commands.',
    });
    expect(byId(8).value!.response.response).toBe('Goodbye');
  });

  it('fails an unanswered action with AMI_TIMEOUT on the clock and drops its late answer', async () => {
    const clock = new ManualClock(0);
    const table = new PendingActions({ clock, idPrefix: 'r1-' });
    const id = table.nextId();
    const reply = settled(table.add('CoreStatus', id, 1000));
    clock.advance(999);
    expect(table.size).toBe(1);
    clock.advance(1);
    expect((await reply).error).toMatchObject({ code: 'AMI_TIMEOUT', action: 'CoreStatus', actionId: id, recoverable: true });
    expect(table.response(decode(`Response: Success\r\nActionID: ${id}\r\n\r\n`)[0], false)).toBe('unknown');
  });

  it('gives an answer without an ActionID to the oldest action still unanswered', async () => {
    const table = new PendingActions({ clock: new ManualClock(0), idPrefix: 'r1-' });
    const first = settled(table.add('Ping', table.nextId(), 1000));
    const second = settled(table.add('Ping', table.nextId(), 1000));
    feed(table, decode('Response: Success\r\nPing: Pong\r\nTimestamp: 1795512991.642913\r\n\r\n'));
    expect((await first).value!.response.get('Ping')).toBe('Pong');
    expect(table.size).toBe(1);
    feed(table, decode('Response: Success\r\nActionID: r1-2\r\n\r\n'));
    expect((await second).value!.response.response).toBe('Success');
  });

  it('never lets someone else\'s ActionID settle an action; adopts one at login only when asked (replayed recordings)', async () => {
    const text = loadRecording('action-login-ok').received.toString('latin1');
    const recordedLogin = decode(text, true).find((m) => m.kind === 'response')!;
    expect(recordedLogin.actionId).toBe('action-login-ok-1');

    const strict = new PendingActions({ clock: new ManualClock(0), idPrefix: 'r1-' });
    strict.add('Login', strict.nextId(), 1000).catch(() => undefined);
    expect(strict.response(recordedLogin, true)).toBe('foreign');
    expect(strict.size).toBe(1);

    const replaying = new PendingActions({ clock: new ManualClock(0), idPrefix: 'r1-', adoptForeignIds: true });
    const login = settled(replaying.add('Login', replaying.nextId(), 1000));
    expect(replaying.response(recordedLogin, true)).toBe('ours');
    expect((await login).value!.response.get('Message')).toBe('Authentication accepted');
    replaying.add('CoreStatus', replaying.nextId(), 1000).catch(() => undefined);
    expect(replaying.response(recordedLogin, false)).toBe('foreign'); // after login: never
    expect(replaying.size).toBe(1);
  });

  it('fails everything in flight when the session drops, saying the outcome is unknown, and leaves no timer', async () => {
    const clock = new ManualClock(0);
    const table = new PendingActions({ clock, idPrefix: 'r1-' });
    const originate = settled(table.add('Originate', table.nextId(), 30_000));
    const status = settled(table.add('QueueStatus', table.nextId(), 15_000));
    feed(table, decode('Response: Success\r\nActionID: r1-2\r\nEventList: start\r\n\r\n'));
    table.failAll(amiError('AMI_CONNECTION_LOST', 'AMI connection closed by peer'));
    expect((await originate).error).toMatchObject({ code: 'AMI_CONNECTION_LOST', action: 'Originate', actionId: 'r1-1' });
    expect((await originate).error!.message).toContain('its outcome is unknown');
    expect((await status).error).toMatchObject({ code: 'AMI_CONNECTION_LOST', action: 'QueueStatus' });
    expect(table.size).toBe(0);
    expect(clock.pending).toBe(0);

    const closing = settled(table.add('Ping', table.nextId(), 1000));
    const closed = amiError('AMI_CLOSED', 'AMI client closed');
    table.failAll(closed);
    expect((await closing).error).toBe(closed);
  });
});
