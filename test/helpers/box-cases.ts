/**
 * The box API cases every runtime must answer exactly like the relay's LAN
 * API: each case sets up what it needs on the PBX simulator, makes one
 * request through the client it is given, and cleans up. Shared by the local
 * cloud test and the Lambda (API Gateway stand-in) test.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BoxClient, BoxResponse, BoxWorld } from './box-world.js';
import { callUp } from './box-world.js';
import { waitFor } from './wait.js';

export interface BoxCase {
  name: string;
  run(w: BoxWorld, box: BoxClient): Promise<BoxResponse>;
  /** Make run-dependent values comparable (channel sequence numbers, durations). */
  normalise?(text: string): string;
}

async function hangAll(w: BoxWorld): Promise<void> {
  for (const c of w.sim.state.channels) w.sim.hangup(c.name);
  await waitFor(() => w.sim.state.channels.length === 0, { what: 'no channels left' });
}

const channelNames = (t: string) => t.replace(/(SIP\/[\w-]+?)-[0-9a-f]{8}/g, '$1-XXXXXXXX').replace(/"duration":"[\d:]+"/g, '"duration":"X"');

export const boxCases: BoxCase[] = [
  { name: 'current-calls, idle', run: (_w, box) => box('POST', '/extensions/current-calls') },
  {
    name: 'current-calls during a call',
    normalise: (t) => {
      // Row order follows channel creation; compare as a sorted set.
      const body = JSON.parse(channelNames(t));
      body.data.sort((a: { channel: string }, b: { channel: string }) => a.channel.localeCompare(b.channel));
      return JSON.stringify(body);
    },
    run: async (w, box) => {
      await callUp(w.sim, '801', '802');
      const r = await box('POST', '/extensions/current-calls');
      await hangAll(w);
      return r;
    },
  },
  { name: 'extension-status', run: (_w, box) => box('GET', '/extensions/extension-status'), normalise: (t) => t.replace(/OK \(\d+ ms\)/g, 'OK (N ms)') },
  { name: 'extension-hints-status', run: (_w, box) => box('GET', '/extensions/extension-hints-status') },
  { name: 'queue-info', run: (_w, box) => box('GET', '/queues/queue-info') },
  {
    name: 'agent-pause on, then off',
    run: async (_w, box) => {
      const on = await box('POST', '/queues/agent-pause', { queue: '630', member: '803', state: 'on' });
      const off = await box('POST', '/queues/agent-pause', { queue: '630', member: '803', state: 'off' });
      return { ...off, text: on.text + off.text };
    },
  },
  { name: 'agent-pause, bad state (400)', run: (_w, box) => box('POST', '/queues/agent-pause', { queue: '630', member: '803', state: 'pause' }) },
  { name: 'agent-pause, not a member (404)', run: (_w, box) => box('POST', '/queues/agent-pause', { queue: '630', member: '808', state: 'on' }) },
  {
    name: 'agent-login',
    run: async (w, box) => {
      const r = await box('POST', '/queues/agent-login', { extension: '808', queue: '631' });
      await boxLan(w)('POST', '/queues/agent-logout', { extension: '808', queue: '631' });
      return r;
    },
  },
  {
    name: 'agent-login twice (502)',
    run: async (w, box) => {
      await boxLan(w)('POST', '/queues/agent-login', { extension: '808', queue: '631' });
      const r = await box('POST', '/queues/agent-login', { extension: '808', queue: '631' });
      await boxLan(w)('POST', '/queues/agent-logout', { extension: '808', queue: '631' });
      return r;
    },
  },
  { name: 'agent-logout, not a member (502)', run: (_w, box) => box('POST', '/queues/agent-logout', { extension: '808', queue: '631' }) },
  { name: 'agent-login, unknown extension (404)', run: (_w, box) => box('POST', '/queues/agent-login', { extension: '999', queue: '631' }) },
  { name: 'agent-login, unknown queue (404)', run: (_w, box) => box('POST', '/queues/agent-login', { extension: '808', queue: 'nosuchqueue' }) },
  {
    name: 'click-number',
    run: async (w, box) => {
      const r = await box('POST', '/extensions/click-number', { src: '801', dst: '802' });
      await waitFor(() => w.sim.state.channels.filter((c) => c.bridgeId).length === 2, { what: 'click-to-call connected' });
      await hangAll(w);
      return r;
    },
  },
  { name: 'click-number, unknown src (404)', run: (_w, box) => box('POST', '/extensions/click-number', { src: '999', dst: '802' }) },
  {
    name: 'hangup',
    run: async (w, box) => {
      await callUp(w.sim, '801', '802');
      const r = await box('POST', '/extensions/hangup', { extension: '801' });
      await waitFor(() => w.sim.state.channels.length === 0);
      return r;
    },
  },
  { name: 'hangup, no call (404)', run: (_w, box) => box('POST', '/extensions/hangup', { extension: '803' }) },
  {
    name: 'transfer',
    run: async (w, box) => {
      await callUp(w.sim, '801', '802');
      const r = await box('POST', '/extensions/transfer', { src: '802', dst: '800' });
      await waitFor(() => w.sim.state.channels.some((c) => c.name.startsWith('SIP/800-')));
      await hangAll(w);
      return r;
    },
  },
  { name: 'transfer, no call (404)', run: (_w, box) => box('POST', '/extensions/transfer', { src: '803', dst: '800' }) },
  {
    name: 'extenSpy',
    run: async (w, box) => {
      await callUp(w.sim, '801', '802');
      const r = await box('POST', '/extensions/extenSpy', { src: '800', dst: '802' });
      await waitFor(() => w.sim.state.channels.some((c) => c.application === 'ChanSpy'));
      await hangAll(w);
      return r;
    },
  },
  {
    name: 'blacklist create, index, delete',
    run: async (_w, box) => {
      const a = await box('POST', '/blacklist/create', { number: '4915112345678' });
      const b = await box('GET', '/blacklist/index');
      const c = await box('DELETE', '/blacklist/delete', { number: '4915112345678' });
      return { ...c, text: [a.text, b.text, c.text].join('\n') };
    },
  },
  { name: 'blacklist delete, missing (502)', run: (_w, box) => box('DELETE', '/blacklist/delete', { number: '000000' }) },
  {
    name: 'monitor: a recording file',
    run: async (w, box) => {
      const audio = Buffer.alloc(70_000, 7);
      writeFileSync(join(w.monitorDir, 'case.wav'), audio);
      return box('GET', '/monitor/case.wav');
    },
  },
  { name: 'monitor: missing (404)', run: (_w, box) => box('GET', '/monitor/none.wav') },
  { name: 'monitor: encoded traversal (400)', run: (_w, box) => box('GET', '/monitor/..%2F..%2Fetc%2Fpasswd') },
  { name: 'CR/LF smuggled into a field (400)', run: (_w, box) => box('POST', '/extensions/hangup', { extension: '801\r\nAction: Originate' }) },
  { name: 'missing field (400)', run: (_w, box) => box('POST', '/extensions/click-number', { src: '801' }) },
  // Values that fit "safe characters" but mean nothing to a PBX: refused alike on the LAN and through the cloud.
  { name: 'a placeholder for a missing value (400)', run: (_w, box) => box('POST', '/extensions/click-number', { src: '801', dst: 'null' }) },
  { name: 'a path step as a queue (400)', run: (_w, box) => box('POST', '/queues/agent-login', { extension: '808', queue: '..' }) },
  { name: 'a dial string as an extension (400)', run: (_w, box) => box('POST', '/extensions/extenSpy', { src: '800', dst: '802,qE' }) },
  { name: 'monitor without a file path (404)', run: (_w, box) => box('GET', '/monitor') },
];

/** The relay's own LAN API, for set-up and clean-up steps. */
function boxLan(w: BoxWorld): BoxClient {
  return async (method, path, form) => {
    const res = await fetch(w.lan + path, {
      method,
      headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    const text = await res.text();
    return { status: res.status, text, body: undefined, headers: res.headers };
  };
}
