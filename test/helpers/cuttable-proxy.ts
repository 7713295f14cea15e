/**
 * A TCP hop in front of a server that can be cut: SQS "down" without stopping
 * it. A receive begun before the cut still waits at the server (long polling)
 * with nobody left to answer; reconnecting before it ends would let it take
 * messages that then stay invisible for the queue's visibility timeout. So
 * the hop comes back up no sooner than one long poll after the cut — and,
 * when the test says so, at a moment its `quiet` check holds (no send in
 * flight that could be half refused and half taken as it comes back up).
 * It can also hold every request a while before passing it on (`setDelay`):
 * a slow SQS, so that what the cloud sends stays in flight for long.
 */
import net from 'node:net';
import { RECEIVE_WAIT_SEC } from '../../cloud/src/webhooks/worker.js';
import { waitFor } from './wait.js';

export interface CuttableProxy {
  port: number;
  url: string;
  setUp(up: boolean, quiet?: () => boolean): Promise<void>;
  /** Hold what the client sends this long before passing it on (0: at once). */
  setDelay(ms: number): void;
  /** Cut every open connection and keep accepting new ones: a network blip. */
  drop(): void;
  close(): Promise<void>;
}

export async function cuttableProxy(targetPort: number): Promise<CuttableProxy> {
  let up = true;
  let cutAt = 0;
  let delayMs = 0;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!up) return client.destroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', () => undefined);
      s.on('close', () => open.delete(s));
    }
    // Timers of one duration fire in the order they were set: the bytes keep theirs.
    client.on('data', (chunk) => (delayMs > 0 ? setTimeout(() => upstream.write(chunk), delayMs) : upstream.write(chunk)));
    client.on('end', () => setTimeout(() => upstream.end(), delayMs));
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    async setUp(v, quiet = () => true) {
      // Checked and switched in one go: nothing can start in between.
      if (v) await waitFor(() => Date.now() - cutAt > RECEIVE_WAIT_SEC * 1000 && quiet() && (up = true), { timeoutMs: 30_000, what: 'receives begun before the cut to end, and quiet' });
      else cutAt = Date.now();
      up = v;
      if (!v) for (const s of open) s.destroy();
    },
    setDelay(ms) {
      delayMs = ms;
    },
    drop() {
      for (const s of open) s.destroy();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}
