import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../protocol/src/clock.js';
import { frame, startFakeAmi, type FakeAmi } from '../../../test/helpers/fake-ami.js';
import { captureLog } from '../../../test/helpers/log-capture.js';
import { loadRecording } from '../../../test/helpers/recordings.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { AmiClient, type AmiClientOptions } from './client.js';
import { AmiError } from './errors.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';

let server: FakeAmi | undefined;
let client: AmiClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

function newClient(port: number, extra: Partial<AmiClientOptions> = {}): AmiClient {
  client = new AmiClient({ host: '127.0.0.1', port, username: 'admin', secret: 'secret', pingIntervalMs: 0, ...extra });
  return client;
}

async function rejection(p: Promise<unknown>): Promise<AmiError> {
  try {
    await p;
  } catch (err) {
    return err as AmiError;
  }
  throw new Error('expected a rejection');
}

describe('AmiClient login', () => {
  it('logs in with Username/Secret/Events and becomes ready', async () => {
    server = await startFakeAmi();
    const c = newClient(server.port);
    c.connect();
    await c.waitReady();
    const login = server.sessions[0].actions[0];
    expect(login.get('Action')).toBe('Login');
    expect(login.get('Username')).toBe('admin');
    expect(login.get('Secret')).toBe('secret');
    expect(login.get('Events')).toBe('on');
    expect(c.banner).toBe('Asterisk Call Manager/9.0.0');
  });

  it('MD5 login sends md5(challenge + secret), as in the recorded exchange', async () => {
    // action-login-md5-challenge: Challenge 689754936, secret "secret", Key 1843eb8a…
    const rec = loadRecording('action-login-md5-challenge');
    expect(rec.sent.toString()).toContain('Key: 1843eb8a5b5feb2e3591aa91cd9a09db');
    server = await startFakeAmi((action, s) => {
      if (action.get('Action') === 'Challenge') s.reply(action, [['Response', 'Success'], ['Challenge', '689754936']]);
    });
    const c = newClient(server.port, { authType: 'md5' });
    c.connect();
    await c.waitReady();
    const login = server.sessions[0].actions.find((a) => a.get('Action') === 'Login')!;
    expect(login.get('AuthType')).toBe('MD5');
    expect(login.get('Key')).toBe('1843eb8a5b5feb2e3591aa91cd9a09db');
    expect(login.get('Secret')).toBeUndefined();
    expect(createHash('md5').update('689754936secret').digest('hex')).toBe('1843eb8a5b5feb2e3591aa91cd9a09db');
  });

  it('a refused login is AMI_AUTH_FAILED, not recoverable, and it keeps retrying on the backoff', async () => {
    server = await startFakeAmi(undefined, { secret: 'other' });
    const clock = new ManualClock(1_000_000);
    const attempts: number[] = [];
    const c = newClient(server.port, { clock, retryStrategy: (n) => (attempts.push(n), 1000) });
    const errors: AmiError[] = [];
    c.on('disconnected', (e) => errors.push(e));
    c.connect();
    await waitFor(() => errors.length === 1, { what: 'first failure' });
    expect(errors[0].code).toBe('AMI_AUTH_FAILED');
    expect(errors[0].recoverable).toBe(false);
    expect(c.state).toBe('waiting');
    clock.advance(999);
    expect(server.sessions.length).toBe(1);
    clock.advance(1);
    await waitFor(() => errors.length === 2, { what: 'second failure' });
    expect(attempts).toEqual([1, 2]);
  });
});

describe('AmiClient actions', () => {
  it('an action issued while disconnected fails at once and writes nothing', async () => {
    server = await startFakeAmi();
    const c = newClient(server.port);
    const err = await rejection(c.action('Originate', { Channel: 'SIP/801' }));
    expect(err.code).toBe('AMI_NOT_CONNECTED');
    expect(server.sessions.length).toBe(0);
  });

  it('collects an EventList while unsolicited events keep flowing', async () => {
    server = await startFakeAmi((a, s) => {
      if (a.get('Action') === 'QueueStatus') {
        s.reply(a, [['Response', 'Success'], ['EventList', 'start'], ['Message', 'Queue status will follow']]);
        s.send(frame([['Event', 'QueueParams'], ['Queue', '630'], ['ActionID', a.get('ActionID')!]]));
        s.send(frame([['Event', 'Newchannel'], ['Channel', 'SIP/801-00000001']]));
        s.send(frame([['Event', 'QueueMember'], ['Queue', '630'], ['Location', 'SIP/803'], ['ActionID', a.get('ActionID')!]]));
        s.send(frame([['Event', 'QueueStatusComplete'], ['ActionID', a.get('ActionID')!], ['EventList', 'Complete'], ['ListItems', '2']]));
      }
    });
    const c = newClient(server.port);
    const seen: AmiMessage[] = [];
    c.on('event', (e) => seen.push(e));
    c.connect();
    await c.waitReady();
    const reply = await c.action('QueueStatus');
    expect(reply.response.get('Message')).toBe('Queue status will follow');
    expect(reply.events.map((e) => e.event)).toEqual(['QueueParams', 'QueueMember']);
    expect(reply.complete?.get('ListItems')).toBe('2');
    expect(seen.map((e) => e.event)).toEqual(['Newchannel']);
  });

  it('Response: Error rejects with Asterisk\'s message', async () => {
    server = await startFakeAmi((a, s) => s.reply(a, [['Response', 'Error'], ['Message', 'No such channel']]));
    const c = newClient(server.port);
    c.connect();
    await c.waitReady();
    const err = await rejection(c.action('Hangup', { Channel: 'SIP/802-ffffffff' }));
    expect(err.code).toBe('AMI_ACTION_FAILED');
    expect(err.amiMessage).toBe('No such channel');
  });

  it('refuses CR, LF or NUL in any value before anything is written', async () => {
    server = await startFakeAmi();
    const c = newClient(server.port);
    c.connect();
    await c.waitReady();
    const before = Buffer.concat(server.sessions[0].received).length;
    for (const bad of ['802\r\nAction: Originate', '802\nx', 'a\0b']) {
      const err = await rejection(c.action('Redirect', { Channel: 'SIP/801-1', Exten: bad }));
      expect(err.code).toBe('AMI_UNSAFE_VALUE');
    }
    await c.action('Ping');
    const after = Buffer.concat(server.sessions[0].received).toString().slice(before);
    expect(after).not.toContain('Redirect');
    expect(after).toContain('Action: Ping');
  });

  it('times out an unanswered action with AMI_TIMEOUT and ignores its late answer', async () => {
    const held: Array<[AmiMessage, (h: Array<[string, string]>) => void]> = [];
    server = await startFakeAmi((a, s) => void held.push([a, (h) => s.reply(a, h)]));
    const clock = new ManualClock(0);
    const c = newClient(server.port, { clock, actionTimeoutMs: 5000 });
    c.connect();
    await c.waitReady();
    const first = c.action('CoreStatus');
    await waitFor(() => held.length === 1);
    clock.advance(5000);
    const err = await rejection(first);
    expect(err.code).toBe('AMI_TIMEOUT');
    const second = c.action('CoreSettings');
    await waitFor(() => held.length === 2);
    held[0][1]([['Response', 'Success'], ['Message', 'late answer to CoreStatus']]);
    held[1][1]([['Response', 'Success'], ['Message', 'CoreSettings answer']]);
    expect((await second).response.get('Message')).toBe('CoreSettings answer');
  });

  it('matches answers that carry no ActionID to the oldest unanswered action', async () => {
    server = await startFakeAmi((a, s) => s.reply(a, [['Response', 'Success'], ['Message', `for ${a.get('Action')}`]], false));
    const c = newClient(server.port);
    c.connect();
    await c.waitReady();
    const [a, b] = await Promise.all([c.action('CoreStatus'), c.action('CoreSettings')]);
    expect(a.response.get('Message')).toBe('for CoreStatus');
    expect(b.response.get('Message')).toBe('for CoreSettings');
  });
});

describe('AmiClient connection loss', () => {
  it('rejects every in-flight action with AMI_CONNECTION_LOST and never replays them', async () => {
    server = await startFakeAmi(() => undefined); // answers nothing but login/ping
    const clock = new ManualClock(0);
    const c = newClient(server.port, { clock, retryStrategy: () => 100 });
    c.connect();
    await c.waitReady();
    const originate = c.action('Originate', { Channel: 'SIP/801', Exten: '802', Context: 'from-internal', Priority: 1 });
    const status = c.action('CoreStatus');
    await server.waitForAction('CoreStatus');
    server.sessions[0].close();
    const [e1, e2] = await Promise.all([rejection(originate), rejection(status)]);
    expect(e1.code).toBe('AMI_CONNECTION_LOST');
    expect(e1.recoverable).toBe(true);
    expect(e2.code).toBe('AMI_CONNECTION_LOST');
    expect(c.state).toBe('waiting');
    clock.advance(100);
    await c.waitReady();
    await c.action('Ping');
    expect(server.sessions[1].actions.map((a) => a.get('Action'))).toEqual(['Login', 'Ping']);
  });

  it('reconnects on the injected backoff and emits ready again', async () => {
    server = await startFakeAmi();
    const clock = new ManualClock(0);
    const delays = [250, 500];
    const c = newClient(server.port, { clock, retryStrategy: (n) => delays[n - 1] ?? 1000 });
    let readies = 0;
    c.on('ready', () => readies++);
    c.connect();
    await c.waitReady();
    server.sessions[0].close();
    await waitFor(() => c.state === 'waiting');
    clock.advance(249);
    expect(c.state).toBe('waiting');
    clock.advance(1);
    await c.waitReady();
    expect(readies).toBe(2);
    expect(server.sessions.length).toBe(2);
  });

  it('gives up for good when the retry strategy answers null: closed, actions refused, no timer left', async () => {
    server = await startFakeAmi();
    const clock = new ManualClock(0);
    const attempts: number[] = [];
    const c = newClient(server.port, { clock, retryStrategy: (n) => (attempts.push(n), null) });
    c.connect();
    await c.waitReady();
    server.sessions[0].close();
    await waitFor(() => c.state === 'closed', { what: 'closed after the strategy gave up' });
    expect(attempts).toEqual([1]);
    expect(clock.pending).toBe(0);
    expect((await rejection(c.action('Ping'))).code).toBe('AMI_NOT_CONNECTED');
    expect(server.sessions).toHaveLength(1);
  });

  it('treats an unanswered keepalive Ping as a dead peer', async () => {
    server = await startFakeAmi();
    const clock = new ManualClock(0);
    const c = newClient(server.port, { clock, pingIntervalMs: 20_000, actionTimeoutMs: 5_000, retryStrategy: () => 60_000 });
    c.connect();
    await c.waitReady();
    // Stop answering pings from now on (a half-open TCP connection).
    server.sessions[0].socket.removeAllListeners('data');
    clock.advance(20_000);
    await waitFor(() => server!.sessions[0].received.length > 0);
    clock.advance(5_000);
    await waitFor(() => c.state === 'waiting', { what: 'disconnect after missing pong' });
  });

  it('treats a server that closes after Event: Shutdown as a drop to recover from', async () => {
    const rec = loadRecording('events-shutdown-restart');
    server = await startFakeAmi();
    const clock = new ManualClock(0);
    const c = newClient(server.port, { clock, retryStrategy: () => 10 });
    const events: string[] = [];
    c.on('event', (e) => events.push(e.event));
    c.connect();
    await c.waitReady();
    // The recording's bytes after the login answer: FullyBooted, SuccessfulAuth, Shutdown.
    const text = rec.received.toString();
    server.sessions[0].send(text.slice(text.indexOf('Event: FullyBooted')));
    server.sessions[0].socket.end();
    await waitFor(() => c.state === 'waiting');
    expect(events).toEqual(['FullyBooted', 'SuccessfulAuth', 'Shutdown']);
  });
});

describe('AmiClient and its listeners', () => {
  it('a listener that throws does not tear down the session, and every other listener still gets each event and ready', async () => {
    server = await startFakeAmi();
    const log = captureLog('error');
    const c = newClient(server.port, { logger: log.logger });
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    try {
      const seen: string[] = [];
      let readies = 0;
      c.on('ready', () => {
        throw new Error('ready listener bug');
      });
      c.on('ready', () => readies++);
      c.on('event', (m) => {
        if (m.event === 'Boom') throw new Error('event listener bug');
      });
      c.on('event', (m) => seen.push(m.event));
      c.connect();
      await c.waitReady();
      await waitFor(() => readies === 1, { what: 'the second ready listener' });
      server.sessions[0].send(frame([['Event', 'Boom']]) + frame([['Event', 'After']]));
      await waitFor(() => seen.includes('After'), { what: 'the event after the throwing one' });
      expect(seen).toEqual(['Boom', 'After']);
      expect(c.state).toBe('ready');
      await c.action('Ping');
      expect(server.sessions).toHaveLength(1);
      expect(log.messages()).toEqual(['an AMI ready listener failed; the session goes on', 'an AMI event listener failed; the session goes on']);
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('AmiClient and foreign ActionIDs (a server replaying a recorded session)', () => {
  const recordedLoginReply = () => {
    const text = loadRecording('action-login-ok').received.toString();
    const loginReply = text.slice(text.indexOf('Response: Success'), text.indexOf('Event: FullyBooted'));
    expect(loginReply).toContain('ActionID: action-login-ok-1');
    return loginReply;
  };

  it('with adoptForeignActionIds, accepts the recorded login answer but never lets a foreign id settle a later action', async () => {
    const clock = new ManualClock(0);
    const log = captureLog('debug');
    server = await startFakeAmi(
      (a, s) => s.send(frame([['Response', 'Success'], ['ActionID', 'someone-else-7'], ['Message', `not for ${a.get('Action')}`]])),
      { loginReply: recordedLoginReply() },
    );
    const c = newClient(server.port, { clock, actionTimeoutMs: 1000, adoptForeignActionIds: true, logger: log.logger });
    c.connect();
    await c.waitReady();
    const pending = c.action('CoreStatus');
    expect(await log.waitFor('ami response for an unknown ActionID ignored')).toMatchObject({ actionId: 'someone-else-7' });
    clock.advance(1000);
    expect((await rejection(pending)).code).toBe('AMI_TIMEOUT');
  });

  it('by default, ignores a login answer with someone else\'s id, and the login times out', async () => {
    const clock = new ManualClock(0);
    const log = captureLog('debug');
    server = await startFakeAmi(() => undefined, { loginReply: recordedLoginReply() });
    const c = newClient(server.port, { clock, connectTimeoutMs: 10_000, retryStrategy: () => 1000, logger: log.logger });
    c.connect();
    expect(await log.waitFor('ami response for an unknown ActionID ignored')).toMatchObject({ actionId: 'action-login-ok-1' });
    expect(c.state).toBe('authenticating');
    clock.advance(10_000);
    expect(c.state).toBe('waiting');
  });
});
