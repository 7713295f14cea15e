/**
 * A stand-in for Lambda's Invoke API, for tests: the real LambdaClient posts
 * `POST /2015-03-31/functions/{name}/invocations` here, and the named
 * function's handler runs in this process. `InvocationType: Event` is
 * answered 202 at once and the handler runs afterwards, as Lambda queues an
 * asynchronous invocation; `RequestResponse` waits and answers its result.
 */
import http from 'node:http';
import type net from 'node:net';

export type InvokedHandler = (event: unknown) => Promise<unknown>;

export interface LambdaInvokeStandIn {
  /** LAMBDA_ENDPOINT. */
  url: string;
  /** Asynchronous invocations queued or running. */
  busy(): number;
  /** Invocations so far, by function name, with their payloads. */
  invoked: Array<{ functionName: string; type: string; payload: unknown }>;
  stop(): Promise<void>;
}

export async function startLambdaInvoke(functions: Record<string, InvokedHandler>): Promise<LambdaInvokeStandIn> {
  const invoked: LambdaInvokeStandIn['invoked'] = [];
  let running = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(new URL(req.url ?? '/', 'http://standin').pathname);
      const fn = m && functions[decodeURIComponent(m[1])];
      if (req.method !== 'POST' || !m || !fn) {
        res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' }).end('{"Type":"User","Message":"Function not found"}');
        return;
      }
      const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
      const raw = Buffer.concat(chunks).toString('utf8');
      const payload: unknown = raw ? JSON.parse(raw) : {};
      invoked.push({ functionName: decodeURIComponent(m[1]), type, payload });
      if (type === 'Event') {
        res.writeHead(202).end();
        running++;
        void fn(payload)
          .catch(() => undefined)
          .finally(() => running--);
        return;
      }
      fn(payload).then(
        (result) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result ?? null)),
        (err: Error) => res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' }).end(JSON.stringify({ errorMessage: err.message })),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    busy: () => running,
    invoked,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
