/**
 * Without `[pbx] cdr_csv` and `queue_log` the relay cannot recover what
 * Asterisk did while it was not listening: it says so once, at start, naming
 * the keys (not again at every AMI reconnect); with both keys it says nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Relay } from '../../edge-relay/src/relay.js';
import { listReply } from '../helpers/busy-pbx.js';
import { startFakeAmi, type FakeAmi } from '../helpers/fake-ami.js';
import { captureLog } from '../helpers/log-capture.js';
import { expectedConf, setConf, startTestRelay, tempDir } from '../helpers/relay-harness.js';

let relay: Relay | undefined;
let pbx: FakeAmi | undefined;

afterEach(async () => {
  await relay?.stop();
  await pbx?.close();
  relay = pbx = undefined;
});

const CANNOT = /cannot be recovered from Asterisk's records/;

async function start(pbxKeys: Record<string, string>) {
  pbx = await startFakeAmi((a, s) => {
    const action = a.get('Action')!;
    if (['QueueStatus', 'ExtensionStateList', 'CoreShowChannels', 'Status'].includes(action)) s.send(listReply(a.get('ActionID')!, action, []));
    else s.reply(a, [['Response', 'Success']]);
  });
  let conf = expectedConf('api.conf');
  conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1' });
  conf = setConf(conf, 'ami', { port: pbx.port });
  if (Object.keys(pbxKeys).length > 0) conf = setConf(conf, 'pbx', pbxKeys);
  const log = captureLog('info');
  relay = await startTestRelay(conf, { logger: log.logger });
  return log;
}

describe('the records keys', () => {
  it('missing: one warning at start naming both keys, none again after an AMI reconnect', async () => {
    const log = await start({});
    const first = await log.waitFor(CANNOT, 'the warning');
    expect(first.level).toBe('warn');
    expect(first.msg).toContain('[pbx] cdr_csv');
    expect(first.msg).toContain('[pbx] queue_log');
    await log.waitFor('snapshot applied', 'the first snapshot');
    pbx!.sessions[0].close();
    await pbx!.nextSession();
    await pbx!.waitForAction('CoreShowChannels', 2);
    expect(log.lines.filter((l) => CANNOT.test(l.msg))).toHaveLength(1);
  });

  it('both given: no warning', async () => {
    const dir = tempDir();
    const log = await start({ cdr_csv: join(dir, 'Master.csv'), queue_log: join(dir, 'queue_log') });
    // The warning is written while the relay starts, before startRelay returns.
    await log.waitFor('snapshot applied', 'the first snapshot');
    expect(log.lines.filter((l) => CANNOT.test(l.msg))).toEqual([]);
  });
});
