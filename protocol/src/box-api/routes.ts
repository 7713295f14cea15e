/**
 * The box's 16 HTTP endpoints, written once. The relay mounts them at
 * `/coocenter-api` on the LAN; the cloud at `/sites/{siteId}/coocenter-api`.
 * What differs (authentication, which PBX answers) is injected.
 *
 * Success bodies are byte-for-byte the box's: same keys, same order, same
 * string-typed values, compact JSON. Errors are `{"status":"error","message"}`.
 */

import { Hono, type Context } from 'hono';
import { isClientAbort } from '../http/body.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { BoxApiError, boxError, isBoxApiError } from './errors.js';
import { commandFields, pauseState, readForm } from './forms.js';
import type { Pbx } from './pbx.js';
import { discard, fileAnswer } from './file-answer.js';
import { safeRecordingPath } from './recording-path.js';

export interface BoxRoutesOptions {
  /** The PBX that serves this request: the relay's AMI, or the site's tunnel. */
  pbx: (c: Context) => Pbx | Promise<Pbx>;
  logger?: Logger;
}

type Method = 'GET' | 'HEAD' | 'POST' | 'DELETE';

export function boxRoutes(options: BoxRoutesOptions): Hono {
  const app = new Hono();
  const log = options.logger ?? silentLogger;

  /** One endpoint: methods accepted, and the handler that returns the body. */
  const route = (path: string, methods: Method[], handler: (c: Context, pbx: Pbx) => Promise<Response>) => {
    app.all(path, async (c) => {
      if (!methods.includes(c.req.method as Method)) {
        c.header('Allow', methods.join(', '));
        return c.json({ status: 'error', message: `use ${methods.join(' or ')} for this endpoint` }, 405);
      }
      try {
        return await handler(c, await options.pbx(c));
      } catch (err) {
        return errorResponse(c, err, log);
      }
    });
  };

  const ok = (c: Context, body: unknown) => c.json(body as object, 200);

  route('/extensions/current-calls', ['POST', 'GET'], async (c, pbx) =>
    ok(c, { status: 'success', message: 'Channels will follow', data: await pbx.currentCalls() }),
  );

  route('/extensions/extension-status', ['GET', 'POST'], async (c, pbx) =>
    ok(c, { status: 'success', message: 'Peer status list will follow', data: await pbx.extensionStatus() }),
  );

  // The box answers this one with a bare array.
  route('/extensions/extension-hints-status', ['GET', 'POST'], async (c, pbx) => ok(c, await pbx.extensionHints()));

  route('/queues/queue-info', ['GET', 'POST'], async (c, pbx) =>
    ok(c, { status: 'success', message: 'Queue status will follow', data: await pbx.queueInfo() }),
  );

  route('/queues/agent-pause', ['POST'], async (c, pbx) => {
    const form = await readForm(c);
    const { queue, member } = commandFields(form, 'agentPause');
    const paused = pauseState(form);
    return ok(c, { status: 'success', message: await pbx.agentPause(queue, member, paused) });
  });

  route('/queues/agent-login', ['POST'], async (c, pbx) => {
    const { extension, queue } = commandFields(await readForm(c), 'agentLogin');
    await pbx.agentLogin(extension, queue);
    return ok(c, { status: 'success', message: 'login extension success' });
  });

  route('/queues/agent-logout', ['POST'], async (c, pbx) => {
    const { extension, queue } = commandFields(await readForm(c), 'agentLogout');
    await pbx.agentLogout(extension, queue);
    return ok(c, { status: 'success', message: 'logout extension success' });
  });

  route('/extensions/click-number', ['POST'], async (c, pbx) => {
    const { src, dst } = commandFields(await readForm(c), 'clickToCall');
    const message = await pbx.clickToCall(src, dst);
    return ok(c, { status: 'success', message });
  });

  route('/extensions/hangup', ['POST'], async (c, pbx) => {
    const { extension } = commandFields(await readForm(c), 'hangup');
    await pbx.hangup(extension);
    return ok(c, { status: 'success', message: 'hangup extension success' });
  });

  route('/extensions/transfer', ['POST'], async (c, pbx) => {
    const { src, dst } = commandFields(await readForm(c), 'transfer');
    await pbx.transfer(src, dst);
    // "tansfer" is the box's spelling; integrations may compare it.
    return ok(c, { status: 'success', message: 'tansfer extension success' });
  });

  route('/extensions/extenSpy', ['POST'], async (c, pbx) => {
    const { src, dst } = commandFields(await readForm(c), 'spy');
    await pbx.spy(src, dst);
    return ok(c, { status: 'success', message: 'spy extension success' });
  });

  route('/blacklist/index', ['GET', 'POST'], async (c, pbx) => ok(c, { status: 'success', data: await pbx.blacklist() }));

  route('/blacklist/create', ['POST'], async (c, pbx) => {
    const { number } = commandFields(await readForm(c), 'blacklistAdd');
    return ok(c, { status: 'success', message: await pbx.blacklistAdd(number) });
  });

  route('/blacklist/delete', ['DELETE', 'POST'], async (c, pbx) => {
    const { number } = commandFields(await readForm(c), 'blacklistRemove');
    return ok(c, { status: 'success', message: await pbx.blacklistRemove(number) });
  });

  // `{.+}`: a file path is required; `/monitor` and `/monitor/` are no endpoint at all.
  // A player seeks with Range, checks with HEAD, revalidates with If-None-Match (file-answer.ts).
  route('/monitor/:path{.+}', ['GET', 'HEAD'], async (c, pbx) => {
    // Work on the raw path: a decoded one would already have turned %2e%2e into ..
    const path = safeRecordingPath(rawRecordingPath(new URL(c.req.url).pathname));
    const file = await pbx.recording(path);
    // Object storage answers Range, HEAD and validators itself.
    if (file.redirect) return c.redirect(c.req.method === 'HEAD' ? (file.redirectHead ?? file.redirect) : file.redirect, 302);
    const answer = fileAnswer(file, { method: c.req.method, range: c.req.header('range'), ifNoneMatch: c.req.header('if-none-match'), ifModifiedSince: c.req.header('if-modified-since') });
    if (answer.body) return c.body(toWebStream(answer.body), answer.status as 200 | 206, answer.headers);
    await discard(file.body);
    return c.body(null, answer.status, answer.headers);
  });

  app.notFound((c) => c.json({ status: 'error', message: `no such endpoint: ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));
  app.onError((err, c) => errorResponse(c, err, log));
  return app;
}

/**
 * The still-encoded file path of `…/coocenter-api/monitor/{filePath}`. Both
 * mounts (the LAN's `/coocenter-api`, the cloud's
 * `/sites/{siteId}/coocenter-api`) end in `/coocenter-api`, and a site id has
 * no `/`, so the first `/coocenter-api/monitor/` is the route's.
 */
function rawRecordingPath(pathname: string): string {
  const marker = '/coocenter-api/monitor/';
  const at = pathname.indexOf(marker);
  if (at < 0) throw boxError(404, 'missing recording path');
  return pathname.slice(at + marker.length);
}

export function errorResponse(c: Context, err: unknown, log: Logger): Response {
  if (isBoxApiError(err)) return c.json(err.toBody(), err.status);
  // The client went away (or was cut by the request timeout): nobody reads this answer, and it is not our fault.
  if (isClientAbort(err, c.req.raw)) {
    log.debug('request aborted by the client', { path: c.req.path });
    return c.json(new BoxApiError(400, 'request aborted by the client').toBody(), 400);
  }
  log.error('box api handler failed', { error: err, path: c.req.path });
  const internal = new BoxApiError(500, 'internal error');
  return c.json(internal.toBody(), 500);
}

function toWebStream(body: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const it = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await it.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await it.return?.();
    },
  });
}
