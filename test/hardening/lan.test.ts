/**
 * The relay's LAN API under hostile input (issue 16): a recording route that
 * needs a path, bodies bounded whatever their encoding, fields with the shape
 * Asterisk gives them, client aborts that are not our errors, and slow
 * requests cut by the server's own timeouts. Real relay, real simulator, raw
 * HTTP where fetch would tidy the request up.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmiMessage } from '../../ami-codec/src/message.js';
import { boxClient, startBoxWorld, type BoxClient, type BoxWorld } from '../helpers/box-world.js';
import { captureLog, type CapturedLog } from '../helpers/log-capture.js';
import { incompleteHead, openRequest, rawRequest } from '../helpers/raw-http.js';
import { BAD_FIELD_VALUES } from '../helpers/bad-values.js';

describe('LAN box API hardening', () => {
  let w: BoxWorld;
  let box: BoxClient;
  let log: CapturedLog;
  const actions: AmiMessage[] = [];

  beforeAll(async () => {
    log = captureLog('debug');
    w = await startBoxWorld({ logger: log.logger, onAction: (m) => actions.push(m), httpTimeouts: { headersMs: 300, requestMs: 400, checkEveryMs: 50 } });
    box = boxClient(w.lan);
  });
  afterAll(async () => w.stop());

  const host = () => new URL(w.lan).host;

  it('GET /monitor without a file path serves nothing (defect 7)', async () => {
    // The file the old code would have served: monitor_dir + "er-api/monitor".
    mkdirSync(join(w.monitorDir, 'er-api'), { recursive: true });
    writeFileSync(join(w.monitorDir, 'er-api', 'monitor'), 'SECRET-RECORDING');
    for (const path of ['/coocenter-api/monitor', '/coocenter-api/monitor/']) {
      const r = await rawRequest(host(), { method: 'GET', path });
      expect(r.status, path).toBe(404);
      expect(r.body, path).not.toContain('SECRET-RECORDING');
    }
  });

  describe('bodies: one bounded reader for every content type (defect 2)', () => {
    const types = ['application/x-www-form-urlencoded', 'application/json', 'multipart/form-data; boundary=xx', ''];

    it.each(types)('a chunked %s body over 16 KB is answered 413 while it is still being sent', async (type) => {
      const req = openRequest(host(), { method: 'POST', path: '/coocenter-api/extensions/hangup', headers: type ? { 'content-type': type } : {} });
      // 17 KB, then the body stays open: the answer must come without waiting for its end.
      req.write(Buffer.alloc(17 * 1024, 'a'));
      const r = await req.response;
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body)).toEqual({ status: 'error', message: 'request body too large (max 16384 bytes)' });
      req.destroy();
    });

    it('a declared Content-Length over the limit is refused before reading', async () => {
      const req = openRequest(host(), {
        method: 'POST',
        path: '/coocenter-api/extensions/hangup',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(450 * 1024 * 1024) },
      });
      expect((await req.response).status).toBe(413);
      req.destroy();
    });

    it('a body within the limit still works in every accepted type', async () => {
      const form = await box('POST', '/blacklist/create', { number: '4930111' });
      expect(form.status).toBe(200);
      const json = await fetch(`${w.lan}/blacklist/delete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"number":"4930111"}' });
      expect(json.status).toBe(200);
      const multipart = new FormData();
      multipart.set('number', '4930111');
      expect((await fetch(`${w.lan}/blacklist/create`, { method: 'POST', body: multipart })).status).toBe(200);
    });
  });

  describe('fields have the shape Asterisk gives them (defect 6)', () => {
    const endpoints: Array<[string, Record<string, string>, string]> = [
      ['/extensions/hangup', { extension: '801' }, 'extension'],
      ['/extensions/click-number', { src: '801', dst: '802' }, 'src'],
      ['/extensions/click-number', { src: '801', dst: '802' }, 'dst'],
      ['/extensions/transfer', { src: '801', dst: '802' }, 'dst'],
      ['/extensions/extenSpy', { src: '800', dst: '802' }, 'dst'],
      ['/queues/agent-login', { extension: '808', queue: '631' }, 'queue'],
      ['/queues/agent-login', { extension: '808', queue: '631' }, 'extension'],
      ['/queues/agent-pause', { queue: '630', member: '803', state: 'on' }, 'member'],
      ['/blacklist/create', { number: '4930111' }, 'number'],
      ['/blacklist/delete', { number: '4930111' }, 'number'],
    ];

    it.each(endpoints)('%s refuses meaningless %s values with a 400 naming the field, before AMI', async (path, good, name) => {
      for (const bad of BAD_FIELD_VALUES) {
        const before = actions.length;
        const r = await box('POST', path, { ...good, [name]: bad });
        expect([r.status, r.body?.status], `${name}=${JSON.stringify(bad)}`).toEqual([400, 'error']);
        expect(r.body.message, `${name}=${JSON.stringify(bad)}`).toMatch(new RegExp(`^(invalid|missing field) ${name}`));
        // Nothing was sent to the PBX for a refused request.
        expect(actions.slice(before).map((a) => a.get('Action')), `${name}=${JSON.stringify(bad)}`).toEqual([]);
      }
    });

    it('real values of every shape still reach Asterisk', async () => {
      expect((await box('POST', '/blacklist/create', { number: '+4930555000' })).status).toBe(200);
      expect((await box('POST', '/blacklist/delete', { number: '+4930555000' })).status).toBe(200);
      expect((await box('POST', '/blacklist/create', { number: 'anonymous' })).status).toBe(200);
      expect((await box('POST', '/blacklist/delete', { number: 'anonymous' })).status).toBe(200);
      expect((await box('POST', '/queues/agent-pause', { queue: '630', member: '803', state: 'on' })).status).toBe(200);
      expect((await box('POST', '/queues/agent-pause', { queue: '630', member: '803', state: 'off' })).status).toBe(200);
    });
  });

  it('a client that aborts its request is logged at debug, not as our error (defect 9)', async () => {
    const req = openRequest(host(), {
      method: 'POST',
      path: '/coocenter-api/extensions/hangup',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '1000' },
    });
    req.write('extension=80');
    await req.flushed;
    req.destroy();
    const line = await log.waitFor(/request aborted by the client|box api handler failed/);
    expect(line.level).toBe('debug');
    expect(log.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('a request whose body never completes is cut by the request timeout (defect 10)', async () => {
    const req = openRequest(host(), {
      method: 'POST',
      path: '/coocenter-api/extensions/hangup',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '100' },
    });
    req.write('extension=8');
    const r = await req.response;
    expect(r.status).toBe(408);
    await req.closed;
  });

  it('headers that never complete are cut by the headers timeout (defect 10)', async () => {
    const answer = await incompleteHead(host(), 'POST /coocenter-api/extensions/hangup HTTP/1.1\r\nHost: x\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
