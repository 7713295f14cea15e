/**
 * One request's log lines join across the tunnel: the local cloud and the
 * relay, each run as its own process through its real CLI (as an operator
 * runs them), log a box command through the cloud with the same requestId
 * (the caller's x-request-id) and the same commandId, under the field names
 * declared once for both (protocol/src/log-fields.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../cloud/src/local/free-port.js';
import { randomId } from '../../cloud/src/store/secrets.js';
import { LogField } from '../../protocol/src/log-fields.js';
import { startSimulator, type PbxSimulator } from '../../simulator/src/index.js';
import { ADMIN_TOKEN, api, tenantAndSite } from '../helpers/cloud-harness.js';
import { runProgram, stopPrograms, type Program } from '../helpers/program.js';
import { expectedConf, setConf, tempDir } from '../helpers/relay-harness.js';
import { waitFor } from '../helpers/wait.js';

const programs: Program[] = [];
let sim: PbxSimulator | undefined;

afterAll(async () => {
  await stopPrograms(programs);
  await sim?.close();
});

function run(bin: string, args: string[], env: Record<string, string>): Program {
  const p = runProgram(bin, args, env);
  programs.push(p);
  return p;
}

describe('joined logs', () => {
  it('a command through the cloud is logged by the cloud and by the relay with the same requestId and commandId', async () => {
    const port = await freePort();
    const cloud = run('coocenter-cloud.js', [], {
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_TOKEN,
      DATA_DIR: tempDir('cloud-'),
      DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
      SQS_ENDPOINT: inject('sqsEndpoint'),
      TABLE_PREFIX: randomId('t'),
      LOG_LEVEL: 'info',
    });
    await waitFor(() => cloud.lines.some((l) => l.msg === 'local cloud listening'), { timeoutMs: 60_000, what: `the cloud to listen:\n${cloud.output()}` });
    const base = `http://127.0.0.1:${port}`;
    const call = api(base);
    const ids = await tenantAndSite(call);

    sim = await startSimulator({ port: 0, tech: 'SIP', timeScale: 0.01, monitorDir: tempDir('monitor-') });
    let conf = expectedConf('api.conf');
    conf = setConf(conf, 'general', { BINDPORT: 0, BINDADDR: '127.0.0.1', URL: '', WEBKEY: '' });
    conf = setConf(conf, 'ami', { port: sim.port });
    conf = setConf(conf, 'cloud', { url: base, token: ids.relayToken });
    const confFile = join(tempDir('relay-conf-'), 'api.conf');
    writeFileSync(confFile, conf);
    const relay = run('coocenter-relay.js', ['--config', confFile], { DATA_DIR: tempDir('relay-'), LOG_LEVEL: 'info' });
    await waitFor(async () => (await call('GET', `/v1/tenants/${ids.tenantId}/sites/${ids.siteId}`, { token: ids.apiKey })).body.relay.amiConnected, {
      timeoutMs: 30_000,
      what: `the relay to connect:\n${relay.output()}`,
    });

    const requestId = `req-joined-${Date.now()}`;
    const r = await call('GET', `/sites/${ids.siteId}/coocenter-api/queues/queue-info`, { token: ids.apiKey, headers: { 'x-request-id': requestId } });
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get('x-request-id')).toBe(requestId);

    const answered = (p: Program) => p.lines.find((l) => l.msg === 'command answered' && l[LogField.requestId] === requestId);
    const cloudLine = await waitFor(() => answered(cloud), { what: `the cloud's line for ${requestId}:\n${cloud.output()}` });
    const relayLine = await waitFor(() => answered(relay), { what: `the relay's line for ${requestId}:\n${relay.output()}` });
    expect(cloudLine).toMatchObject({ service: 'cloud', [LogField.siteId]: ids.siteId, [LogField.command]: 'queueInfo', ok: true });
    expect(relayLine).toMatchObject({ service: 'relay', [LogField.command]: 'queueInfo', ok: true });
    expect(cloudLine[LogField.commandId]).toMatch(/^cmd_/);
    expect(relayLine[LogField.commandId]).toBe(cloudLine[LogField.commandId]);
  });
});
