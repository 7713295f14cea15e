/**
 * A stand-in for API Gateway's HTTP API (payload format 2.0), for tests: each
 * Node request becomes the event API Gateway would send (raw path and query
 * as sent, lower-case headers with repeats joined by commas, cookies apart,
 * binary bodies base64), the real Lambda handler runs in this process, and
 * its result is written back (base64 bodies decoded, `cookies` as
 * Set-Cookie, single- and multi-value headers).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

interface LambdaResult {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, Array<string | number | boolean>>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

export type HttpLambda = (event: APIGatewayProxyEventV2, context: unknown) => Promise<unknown>;

export interface HttpApiStandIn {
  url: string;
  stop(): Promise<void>;
}

const TEXT = /^(text\/|application\/(json|x-www-form-urlencoded|xml)|[^;]*\+json)/i;

export function toEvent(req: http.IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const rawPath = q < 0 ? raw : raw.slice(0, q);
  const rawQueryString = q < 0 ? '' : raw.slice(q + 1);
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1];
    if (name === 'cookie') {
      cookies = [...(cookies ?? []), ...value.split(/;\s*/).filter(Boolean)];
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const now = Date.now();
  const textual = TEXT.test(headers['content-type'] ?? 'text/plain');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    cookies,
    headers,
    queryStringParameters: rawQueryString ? query : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'standin',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'standin',
      http: { method: req.method ?? 'GET', path: rawPath, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body: body.length === 0 ? undefined : textual ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !textual,
  };
}

export function writeResult(res: http.ServerResponse, result: LambdaResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  for (const [k, vs] of Object.entries(result.multiValueHeaders ?? {})) headers[k.toLowerCase()] = vs.map(String);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  headers['content-length'] = String(body.length);
  res.writeHead(result.statusCode ?? 200, headers).end(body);
}

export async function startHttpApi(handler: HttpLambda): Promise<HttpApiStandIn> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      const started = Date.now();
      const result = (await handler(toEvent(req, Buffer.concat(chunks)), { getRemainingTimeInMillis: () => started + 29_000 - Date.now() })) as LambdaResult;
      writeResult(res, result);
    } catch {
      // What API Gateway answers when the integration fails.
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"Internal Server Error"}');
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
