/**
 * The box's HTTP endpoints (endpoints.ts), served once. The relay mounts them at
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
import { COMMAND_FIELDS, type BoxCommandName } from './commands.js';
import { BOX_ENDPOINTS, boxAnswerBody, type BoxMethod } from './endpoints.js';
import { commandFields, pauseState, readForm, type Form } from './forms.js';
import type { Pbx } from './pbx.js';
import { discard, fileAnswer } from './file-answer.js';
import { safeRecordingPath } from './recording-path.js';

export interface BoxRoutesOptions {
  /** The PBX that serves this request: the relay's AMI, or the site's tunnel. */
  pbx: (c: Context) => Pbx | Promise<Pbx>;
  logger?: Logger;
}

export function boxRoutes(options: BoxRoutesOptions): Hono {
  const app = new Hono();
  const log = options.logger ?? silentLogger;

  /** One endpoint: methods accepted, and the handler that returns the body. */
  const route = (path: string, methods: readonly BoxMethod[], handler: (c: Context, pbx: Pbx) => Promise<Response>) => {
    app.all(path, async (c) => {
      if (!methods.includes(c.req.method as BoxMethod)) {
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

  for (const endpoint of BOX_ENDPOINTS) {
    if (endpoint.answer.kind === 'file') continue;
    const { command, answer } = endpoint;
    const takesFields = COMMAND_FIELDS[command].length > 0 || endpoint.extraFields !== undefined;
    route(endpoint.path, endpoint.methods, async (c, pbx) => {
      const args = takesFields ? commandArgsOf(command, await readForm(c)) : [];
      const method = pbx[command] as (...a: unknown[]) => Promise<unknown>;
      return c.json(boxAnswerBody(answer, await method.apply(pbx, args)) as object, 200);
    });
  }

  // `{.+}`: a file path is required; `/monitor` and `/monitor/` are no endpoint at all.
  // A player seeks with Range, checks with HEAD, revalidates with If-None-Match (file-answer.ts).
  const recording = BOX_ENDPOINTS.find((e) => e.answer.kind === 'file')!;
  route('/monitor/:path{.+}', recording.methods, async (c, pbx) => {
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

/** The Pbx method's arguments from a form: the command's shaped fields, and agent-pause's on/off `state`. */
function commandArgsOf(command: BoxCommandName, form: Form): unknown[] {
  const fields = commandFields(form, command);
  if (command === 'agentPause') return [fields.queue, fields.member, pauseState(form)];
  return COMMAND_FIELDS[command].map(([name]) => fields[name]);
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
