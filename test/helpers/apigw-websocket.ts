/**
 * A stand-in for API Gateway's WebSocket API, for tests: relays dial
 * `ws://127.0.0.1:<port>/<stage>`, and every route runs the real Lambda
 * handlers in this process with API Gateway-shaped events:
 *
 * - $connect gets the upgrade request's headers and query; a non-2xx answer
 *   refuses the upgrade with that status;
 * - $default gets one invocation per message, NOT serialised per connection
 *   (API Gateway runs them in parallel), spread round-robin over several
 *   handler instances (as if in several Lambda instances);
 * - $disconnect follows every close (unless a test drops a connection
 *   silently: API Gateway delivers $disconnect on a best-effort basis).
 *
 * It also serves the management API at `http://127.0.0.1:<port>/<stage>`
 * (POST/GET/DELETE /@connections/{id}, 410 GoneException for unknown ids), so
 * the real ApiGatewayManagementApiClient talks to it, and it keeps API
 * Gateway's limits: frames over 32 KB close the connection with 1009, posts
 * over 32 KB are refused, and a connection is cut at its maximum age.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RelaySocketEvent, RelaySocketHandlers, RelaySocketResult } from '../../cloud/src/lambda/handlers/relay-socket.js';

export const FRAME_LIMIT = 32 * 1024;

export interface WebSocketApiOptions {
  /** One per simulated Lambda instance; $default invocations rotate over them. */
  handlers: RelaySocketHandlers[];
  stage?: string;
  /** API Gateway cuts every connection after 2 hours; tests shorten it. */
  maxAgeMs?: number;
}

interface Conn {
  id: string;
  ws: WebSocket;
  connectedAt: number;
  lastActiveAt: number;
  sourceIp: string;
  userAgent: string;
  silent: boolean;
  timer?: NodeJS.Timeout;
}

export interface WebSocketApiStandIn {
  /** What relays dial (their `[cloud] url`). */
  url: string;
  /** RELAY_MANAGEMENT_ENDPOINT. */
  managementEndpoint: string;
  /** Ids of the open connections. */
  connectionIds(): string[];
  /** Frames posted to connections so far, by connection id (parsed), for assertions. */
  posted: Array<{ connectionId: string; frame: { t: string } & Record<string, unknown> }>;
  /** Connections closed so far: 1000 by DeleteConnection or the relay, 1001 at the maximum age, 1009 for a frame too big. */
  closed: Array<{ connectionId: string; code: number }>;
  /** Close without $disconnect, as when API Gateway's $disconnect never arrives. */
  dropSilently(connectionId: string): void;
  /** $default invocations still running (tests wait for them before checking the store). */
  busy(): number;
  stop(): Promise<void>;
}

const context = (started: number) => ({ getRemainingTimeInMillis: () => Math.max(0, started + 29_000 - Date.now()), awsRequestId: randomUUID() });

export async function startWebSocketApi(opts: WebSocketApiOptions): Promise<WebSocketApiStandIn> {
  const stage = opts.stage ?? 'prod';
  const conns = new Map<string, Conn>();
  const sockets = new Set<net.Socket>();
  const posted: WebSocketApiStandIn['posted'] = [];
  const closed: WebSocketApiStandIn['closed'] = [];
  const wss = new WebSocketServer({ noServer: true, maxPayload: FRAME_LIMIT });
  let next = 0;
  let running = 0;
  const pick = () => opts.handlers[next++ % opts.handlers.length];
  let domainName = '';

  const requestContext = (c: Pick<Conn, 'id' | 'connectedAt' | 'sourceIp' | 'userAgent'>, routeKey: string, eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT') => {
    const now = Date.now();
    return {
      routeKey,
      messageId: randomBytes(8).toString('base64'),
      eventType,
      extendedRequestId: randomUUID(),
      requestTime: new Date(now).toUTCString(),
      messageDirection: 'IN' as const,
      stage,
      connectedAt: c.connectedAt,
      requestTimeEpoch: now,
      requestId: randomUUID(),
      domainName,
      connectionId: c.id,
      apiId: 'standin',
      identity: { sourceIp: c.sourceIp, userAgent: c.userAgent },
    };
  };

  const invokeDisconnect = (c: Conn, code: number, reason: string) => {
    clearTimeout(c.timer);
    conns.delete(c.id);
    closed.push({ connectionId: c.id, code });
    if (c.silent) return;
    const event = { requestContext: { ...requestContext(c, '$disconnect', 'DISCONNECT'), disconnectStatusCode: code, disconnectReason: reason }, isBase64Encoded: false } as RelaySocketEvent;
    running++;
    void pick()
      .disconnect(event, context(Date.now()))
      .catch(() => undefined)
      .finally(() => running--);
  };

  const server = http.createServer((req, res) => void management(req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket, head) => void upgrade(req, socket as net.Socket, head));

  async function upgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    if (url.pathname !== `/${stage}`) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const headers: Record<string, string> = {};
    const multi: Record<string, string[]> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const [k, v] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
      headers[k] = headers[k] === undefined ? v : `${headers[k]},${v}`;
      (multi[k] ??= []).push(v);
    }
    const query = url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : undefined;
    const c = { id: randomBytes(11).toString('base64'), connectedAt: Date.now(), sourceIp: req.socket.remoteAddress ?? '', userAgent: req.headers['user-agent'] ?? '' };
    const event = {
      headers,
      multiValueHeaders: multi,
      queryStringParameters: query,
      requestContext: requestContext(c, '$connect', 'CONNECT'),
      isBase64Encoded: false,
    } as RelaySocketEvent;
    let result: RelaySocketResult;
    try {
      result = await pick().connect(event, context(Date.now()));
    } catch {
      result = { statusCode: 500 };
    }
    if (result.statusCode < 200 || result.statusCode > 299) {
      const body = result.body ?? '';
      socket.end(`HTTP/1.1 ${result.statusCode} Refused\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Conn = { ...c, ws, lastActiveAt: Date.now(), silent: false };
      conns.set(conn.id, conn);
      if (opts.maxAgeMs) conn.timer = setTimeout(() => ws.close(1001, 'Going away'), opts.maxAgeMs);
      ws.on('message', (data, isBinary) => {
        conn.lastActiveAt = Date.now();
        const body = isBinary ? Buffer.from(data as Buffer).toString('base64') : data.toString();
        const message = { requestContext: requestContext(conn, '$default', 'MESSAGE'), body, isBase64Encoded: isBinary } as RelaySocketEvent;
        running++;
        void pick()
          .message(message, context(Date.now()))
          .catch(() => undefined)
          .finally(() => running--);
      });
      ws.on('close', (code, reason) => invokeDisconnect(conn, code, reason.toString()));
      ws.on('error', () => undefined);
    });
  }

  async function management(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = new URL(req.url ?? '/', 'http://standin').pathname;
    const prefix = `/${stage}/@connections/`;
    if (!path.startsWith(prefix)) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
    const id = decodeURIComponent(path.slice(prefix.length));
    const conn = conns.get(id);
    if (!conn || conn.ws.readyState !== conn.ws.OPEN) {
      res.writeHead(410, { 'content-type': 'application/json', 'x-amzn-errortype': 'GoneException' }).end('{"message":null}');
      return;
    }
    switch (req.method) {
      case 'POST':
        if (body.length > FRAME_LIMIT) {
          res.writeHead(413, { 'content-type': 'application/json', 'x-amzn-errortype': 'PayloadTooLargeException' }).end('{"message":"Message too long"}');
          return;
        }
        try {
          posted.push({ connectionId: id, frame: JSON.parse(body.toString('utf8')) });
        } catch {
          // not JSON: carried as is
        }
        conn.ws.send(body.toString('utf8'));
        conn.lastActiveAt = Date.now();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      case 'GET':
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ connectedAt: new Date(conn.connectedAt).toISOString(), identity: { sourceIp: conn.sourceIp, userAgent: conn.userAgent }, lastActiveAt: new Date(conn.lastActiveAt).toISOString() }));
        return;
      case 'DELETE':
        conn.ws.close(1000, '');
        res.writeHead(204).end();
        return;
      default:
        res.writeHead(405).end();
    }
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  domainName = `127.0.0.1:${port}`;
  return {
    url: `ws://127.0.0.1:${port}/${stage}`,
    managementEndpoint: `http://127.0.0.1:${port}/${stage}`,
    connectionIds: () => [...conns.keys()],
    posted,
    closed,
    dropSilently(connectionId) {
      const c = conns.get(connectionId);
      if (!c) return;
      c.silent = true;
      c.ws.terminate();
    },
    busy: () => running,
    async stop() {
      for (const c of conns.values()) {
        c.silent = true;
        c.ws.terminate();
      }
      wss.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
