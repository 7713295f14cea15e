/**
 * The AMI session layer: login (plain and MD5), failed logins, Logoff,
 * event masks, and the failure modes (hung PBX, dropped sockets, restart).
 */

import { createHash } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type PbxSimulator } from './index.js';
import { AmiTestClient } from './testing/ami-test-client.js';
import { maskVolatile, playSession, recordedBytes, text } from './testing/raw-bytes.js';
import { readRecording, shapeMismatches } from './testing/recording-shapes.js';

let sim: PbxSimulator;
const clients: AmiTestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
});

async function connect(): Promise<AmiTestClient> {
  const c = await AmiTestClient.connect(sim.port);
  clients.push(c);
  return c;
}

describe('login', () => {
  it('greets with the Asterisk banner and accepts admin/secret, then FullyBooted and SuccessfulAuth', async () => {
    sim = await startSimulator({ timeScale: 0.01 });
    const c = await connect();
    const ok = await c.login();
    expect(c.raw.toString().startsWith('Asterisk Call Manager/9.0.0\r\n')).toBe(true);
    expect(ok.get('Response')).toBe('Success');
    await c.waitFor(() => c.messages.find((m) => m.event === 'SuccessfulAuth'));
    const names = c.messages.map((m) => m.event || m.response);
    expect(names.slice(0, 4)).toEqual(['', 'Success', 'FullyBooted', 'SuccessfulAuth']);
    const ping = await c.action('Ping');
    expect(ping.response.get('Ping')).toBe('Pong');
    expect(ping.response.get('Timestamp')).toMatch(/^\d+\.\d{6}$/);
    const bye = await c.action('Logoff');
    expect(bye.response.get('Response')).toBe('Goodbye');
    expect(bye.response.get('Message')).toBe('Thanks for all the fish.');
    await c.waitClosed();
    expect(shapeMismatches(c.messages, readRecording('action-login-ok'))).toEqual([]);
  });

  it('answers a wrong secret after the configured delay with Authentication failed, then closes', async () => {
    sim = await startSimulator({ timeScale: 0.01, loginFailDelayMs: 60 });
    const c = await connect();
    const start = Date.now();
    c.send('Login', { Username: 'admin', Secret: 'wrong-password', Events: 'on' }, 'bad-1');
    await c.waitClosed();
    expect(Date.now() - start).toBeGreaterThanOrEqual(50);
    const r = c.messages.find((m) => m.response === 'Error');
    expect(r?.fields).toEqual(['Response', 'Error', 'ActionID', 'bad-1', 'Message', 'Authentication failed']);
  });

  it('refuses an unknown user the same way', async () => {
    sim = await startSimulator({ timeScale: 0.01, loginFailDelayMs: 5 });
    const c = await connect();
    c.send('Login', { Username: 'nobody', Secret: 'secret' });
    await c.waitClosed();
    expect(c.messages.find((m) => m.response === 'Error')?.get('Message')).toBe('Authentication failed');
  });

  it('logs in with Challenge + MD5 key', async () => {
    sim = await startSimulator({ timeScale: 0.01 });
    const c = await connect();
    const ch = await c.action('Challenge', { AuthType: 'MD5' });
    const challenge = ch.response.get('Challenge') ?? '';
    expect(challenge).toMatch(/^\d+$/);
    const key = createHash('md5').update(challenge + 'secret').digest('hex');
    const ok = await c.action('Login', { AuthType: 'MD5', Username: 'admin', Key: key, Events: 'off' });
    expect(ok.response.get('Message')).toBe('Authentication accepted');
    expect(shapeMismatches(c.messages, readRecording('action-login-md5-challenge'))).toEqual([]);
  });

  it('rejects a wrong MD5 key', async () => {
    sim = await startSimulator({ timeScale: 0.01, loginFailDelayMs: 5 });
    const c = await connect();
    await c.action('Challenge', { AuthType: 'MD5' });
    c.send('Login', { AuthType: 'MD5', Username: 'admin', Key: '0'.repeat(32) });
    await c.waitClosed();
    expect(c.messages.at(-1)?.get('Message')).toBe('Authentication failed');
  });

  it('answers actions before login with Permission denied', async () => {
    sim = await startSimulator({ timeScale: 0.01 });
    const c = await connect();
    const r = await c.action('CoreShowChannels');
    expect(r.response.get('Message')).toBe('Permission denied');
  });

  it('accepts configured users only', async () => {
    sim = await startSimulator({ timeScale: 0.01, users: [{ username: 'relay', secret: 's3'}], loginFailDelayMs: 1 });
    const c = await connect();
    expect((await c.login('relay', 's3')).get('Message')).toBe('Authentication accepted');
  });
});

describe('recorded logins as bytes, read without the codec', () => {
  for (const name of ['action-login-ok', 'action-logoff', 'action-login-bad-password', 'action-login-unknown-user']) {
    it(`${name}: the whole session, byte for byte`, async () => {
      sim = await startSimulator({ timeScale: 0.01, loginFailDelayMs: 5 });
      const session = await playSession(sim.port, text(recordedBytes(name, 'sent')));
      expect(maskVolatile(session)).toBe(maskVolatile(text(recordedBytes(name))));
    });
  }

  it('action-login-md5-challenge: the whole session, the key made from the challenge given', async () => {
    sim = await startSimulator({ timeScale: 0.01 });
    const sent = text(recordedBytes('action-login-md5-challenge', 'sent'));
    const challengeAction = sent.slice(0, sent.indexOf('\r\n\r\n') + 4);
    const session = await playSession(sim.port, challengeAction, (received) => {
      const challenge = /\r\nChallenge: (\d+)\r\n/.exec(received)?.[1];
      if (challenge === undefined) return undefined;
      const key = createHash('md5').update(challenge + 'secret').digest('hex');
      return sent.slice(challengeAction.length).replace(/\r\nKey: [0-9a-f]{32}\r\n/, `\r\nKey: ${key}\r\n`);
    });
    expect(maskVolatile(session)).toBe(maskVolatile(text(recordedBytes('action-login-md5-challenge'))));
  });
});

describe('events', () => {
  it('sends nothing to a session logged in with Events: off; the Events action turns them on', async () => {
    sim = await startSimulator({ timeScale: 0.01 });
    const quiet = await connect();
    await quiet.login('admin', 'secret', 'off');
    await sim.register('807');
    await quiet.action('Ping');
    expect(quiet.events()).toEqual([]);
    const on = await quiet.action('Events', { EventMask: 'on' });
    expect(on.response.get('Events')).toBe('On');
    await sim.unregister('807');
    await quiet.waitFor(() => quiet.events().find((m) => m.event === 'PeerStatus'));
  });

  it('filters by event class (Events: system)', async () => {
    sim = await startSimulator({ timeScale: 0.01 });
    const c = await connect();
    await c.login('admin', 'secret', 'system');
    await sim.register('807');
    await c.action('Ping');
    const names = new Set(c.events().map((m) => m.event));
    expect(names.has('PeerStatus')).toBe(true);
    expect(names.has('ExtensionStatus')).toBe(false);
  });

  it('adds Timestamp after Privilege when timestampEvents is on', async () => {
    sim = await startSimulator({ timeScale: 0.01, timestampEvents: true });
    const c = await connect();
    await c.login();
    await sim.register('807');
    const ev = await c.waitFor(() => c.events().find((m) => m.event === 'PeerStatus'));
    expect(ev.fields.slice(0, 6)).toEqual(['Event', 'PeerStatus', 'Privilege', 'system,all', 'Timestamp', ev.get('Timestamp')]);
    expect(ev.get('Timestamp')).toMatch(/^\d+\.\d{6}$/);
  });

  it('sends every event to every logged-in session', async () => {
    sim = await startSimulator({ timeScale: 0.01 });
    const a = await connect();
    const b = await connect();
    await a.login();
    await b.login();
    await sim.register('807');
    await a.waitFor(() => a.events().find((m) => m.event === 'PeerStatus'));
    await b.waitFor(() => b.events().find((m) => m.event === 'PeerStatus'));
  });
});

describe('failure modes', () => {
  it('setResponding(false): sessions stay open but nothing is answered; true again answers new actions', async () => {
    sim = await startSimulator({ timeScale: 0.01 });
    const c = await connect();
    await c.login();
    sim.setResponding(false);
    c.send('Ping', {}, 'hung-1');
    // Wait until the simulator has read the action and let it go unanswered.
    await c.waitFor(() => sim.unansweredActions.includes('hung-1') || undefined);
    expect(c.messages.find((m) => m.get('ActionID') === 'hung-1')).toBeUndefined();
    expect(c.closed).toBe(false);
    sim.setResponding(true);
    expect((await c.action('Ping')).response.get('Ping')).toBe('Pong');
  });

  it('dropConnections closes every socket at once', async () => {
    sim = await startSimulator({ timeScale: 0.01 });
    const a = await connect();
    const b = await connect();
    await a.login();
    sim.dropConnections();
    await a.waitClosed();
    await b.waitClosed();
    const c = await connect();
    expect((await c.login()).get('Message')).toBe('Authentication accepted');
  });

  it('restart: Shutdown event, sessions closed, connections refused, back with FullyBooted', async () => {
    sim = await startSimulator({ timeScale: 0.01, restartDownMs: 5000 });
    const port = sim.port;
    const c = await connect();
    await c.login();
    const call = sim.call('801', '802', { talkMs: Infinity });
    const restarting = sim.restart();
    await c.waitClosed();
    const shutdown = c.messages.find((m) => m.event === 'Shutdown');
    expect(shutdown?.fields).toEqual(['Event', 'Shutdown', 'Privilege', 'system,all', 'Shutdown', 'Cleanly', 'Restart', 'True']);
    await expect(call).rejects.toMatchObject({ code: 'SIM_RESTARTED' });
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    await restarting;
    expect(sim.port).toBe(port);
    const again = await connect();
    await again.login();
    const booted = await again.waitFor(() => again.messages.find((m) => m.event === 'FullyBooted'));
    expect(Number(booted.get('Uptime'))).toBeLessThan(10);
    expect(sim.state.channels).toEqual([]);
    expect(shapeMismatches(c.messages, readRecording('events-shutdown-restart'))).toEqual([]);
    expect(shapeMismatches(again.messages, readRecording('events-fullybooted-reconnect'))).toEqual([]);
  });
});
