/**
 * The command line and the demo traffic generator.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { parseArgs } from './cli.js';
import { DemoTraffic } from './demo.js';
import { startSimulator, type PbxSimulator } from './index.js';
import { AmiTestClient } from './testing/ami-test-client.js';

let sim: PbxSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('parseArgs', () => {
  it('reads the documented flags', () => {
    const a = parseArgs(['--port', '5039', '--tech', 'pjsip', '--monitor-dir', '/tmp/mon', '--demo', '--user', 'relay:pw:x', '--cdr-csv', '/tmp/cdr/Master.csv', '--queue-log', '/tmp/ql']);
    expect(a.options).toMatchObject({
      port: 5039,
      tech: 'PJSIP',
      monitorDir: '/tmp/mon',
      users: [{ username: 'relay', secret: 'pw:x' }],
      cdrCsvPath: '/tmp/cdr/Master.csv',
      queueLogPath: '/tmp/ql',
    });
    expect(a.demo).toBe(true);
    expect(a.options.amiCallTalkMs).toBe(30_000);
  });

  it('defaults to port 5038, chan_sip, no demo', () => {
    const a = parseArgs([]);
    expect(a.options.port).toBe(5038);
    expect(a.options.tech).toBeUndefined();
    expect(a.demo).toBe(false);
  });

  it('rejects unknown flags and bad values with a typed error', () => {
    expect(() => parseArgs(['--nope'])).toThrow(expect.objectContaining({ code: 'SIM_USAGE' }));
    expect(() => parseArgs(['--tech', 'IAX2'])).toThrow(expect.objectContaining({ code: 'SIM_USAGE' }));
    expect(() => parseArgs(['--port'])).toThrow(expect.objectContaining({ code: 'SIM_USAGE' }));
  });
});

describe('demo traffic', () => {
  it('keeps a mix of calls going and stops cleanly', async () => {
    sim = await startSimulator({ timeScale: 0.002 });
    const client = await AmiTestClient.connect(sim.port);
    await client.login();
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const demo = new DemoTraffic(sim, { intervalMs: 5, maxConcurrent: 3, random });
    demo.start();
    await client.waitFor(() => client.events().filter((e) => e.event === 'Cdr').length >= 5 || undefined, 10_000, 'five finished calls');
    demo.stop();
    const kinds = new Set(client.events().map((e) => e.event));
    expect(kinds.has('Newchannel')).toBe(true);
    expect(kinds.has('Hangup')).toBe(true);
    client.close();
  });
});
