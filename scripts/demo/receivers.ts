/**
 * The demo's two receivers on loopback: a CRM on the LAN taking the relay's
 * event pushes (counted), and a tenant's webhook endpoint taking the cloud's
 * deliveries, each shown on the console as one short line.
 */

import http from 'node:http';
import type net from 'node:net';
import { listenError } from '../../protocol/src/listen.js';

export interface Receiver {
  url: string;
  /** Requests received so far. */
  count(): number;
  close(): Promise<void>;
}

/** What a delivery shows after its type: who called whom, how it ended. */
const SUMMARY: Record<string, (d: Record<string, unknown>) => unknown[]> = {
  dialbegin: (d) => [d.calleridnum, '->', d.destcalleridnum],
  dialend: (d) => [d.calleridnum, '->', d.destcalleridnum, d.dialstatus],
  hangup: (d) => [d.calleridnum, '<->', d.connectedlinenum],
  extensionstatus: (d) => [d.exten, d.statustext],
  ivr: (d) => [d.caller, 'in', d.ivrName, d.ivrDtmf ? `pressed ${String(d.ivrDtmf)}` : ''],
  cdr: (d) => [d.source, '->', d.destination, d.disposition, `${String(d.billableseconds)} s`],
  cc_cdr: (d) => [d.caller, '-> queue', d.queueCode, d.agentCode ? `agent ${String(d.agentCode)}` : '', d.cdrState, d.missCause],
};

/** `webhook  hangup           seq 42   801 <-> 804`, from a delivery's body. */
export function deliveryLine(body: unknown): string {
  const b = (body ?? {}) as { type?: unknown; seq?: unknown; data?: unknown };
  const type = typeof b.type === 'string' ? b.type : '?';
  const data = (b.data && typeof b.data === 'object' ? b.data : {}) as Record<string, unknown>;
  const parts = (SUMMARY[type]?.(data) ?? []).filter((p) => p !== undefined && p !== '').map(String);
  const seq = b.seq === undefined ? '' : `seq ${String(b.seq)}`;
  return `webhook  ${type.padEnd(15)} ${seq.padEnd(8)} ${parts.join(' ')}`.trimEnd();
}

async function serve(port: number, path: string, onBody: (raw: string) => void): Promise<Receiver> {
  let n = 0;
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (raw.length < 1_000_000) raw += chunk;
    });
    req.on('end', () => {
      n++;
      onBody(raw);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, '127.0.0.1', port)));
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}${path}`,
    count: () => n,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A CRM's event receiver on the LAN (any free port): counts what the relay pushes. */
export const startCrmReceiver = (): Promise<Receiver> => serve(0, '/crm/events', () => undefined);

/** A tenant's webhook endpoint: one console line per delivery. */
export function startWebhookReceiver(port: number, show: (line: string) => void): Promise<Receiver> {
  return serve(port, '/webhooks', (raw) => {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = { type: 'not JSON' };
    }
    show(deliveryLine(body));
  });
}
