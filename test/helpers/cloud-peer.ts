/**
 * The cloud's end of the tunnel, scriptable, for the relay's connection and
 * supervisor tests: a real `ws` WebSocketServer on loopback that welcomes a
 * hello (or refuses the upgrade with an HTTP status, or stays silent), keeps
 * every frame each socket sent, and lets a test close a socket with any code
 * or send it any frame. Whole-system tunnel tests use the real cloud instead.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { waitFor } from './wait.js';

export type PeerFrame = { t: string; [k: string]: unknown };

export interface PeerSocket {
  ws: WebSocket;
  headers: IncomingHttpHeaders;
  /** Every frame the relay sent on this socket, in order. */
  frames: PeerFrame[];
  /** Set once the socket has closed: the code and reason the relay gave (1006: none, dropped). */
  closed?: { code: number; reason: string };
  send(frame: PeerFrame): void;
  close(code: number, reason?: string): void;
  /** Resolves with the first frame of type `t` after the first `after` of them. */
  frame(t: string, after?: number): Promise<PeerFrame>;
  /**
   * A cloud ping answered: the relay has read everything this socket sent
   * before it (one ordered stream), so its effects are in place.
   */
  roundTrip(): Promise<void>;
}

export interface CloudPeer {
  url: string;
  sockets: PeerSocket[];
  /** How to answer what comes next: welcome a hello, say nothing, or refuse the upgrade with this HTTP status. */
  answer: 'welcome' | 'silent' | number;
  /** The welcome's fields. */
  welcome: { siteId: string; ackedSeq: number; pingMs: number };
  /** Resolves with the n-th socket (1-based) once it is open. */
  socket(n: number): Promise<PeerSocket>;
  close(): Promise<void>;
}

export async function startCloudPeer(): Promise<CloudPeer> {
  const sockets: PeerSocket[] = [];
  let pings = 0;
  const peer: CloudPeer = {
    url: '',
    sockets,
    answer: 'welcome',
    welcome: { siteId: 'site_test', ackedSeq: 0, pingMs: 30_000 },
    socket: (n) => waitFor(() => sockets[n - 1], { what: `tunnel socket ${n}` }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.ws.terminate();
        wss.close(() => resolve());
      }),
  };
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (_info, done) => (typeof peer.answer === 'number' ? done(false, peer.answer) : done(true)),
  });
  wss.on('connection', (ws, req) => {
    const s: PeerSocket = {
      ws,
      headers: req.headers,
      frames: [],
      send: (f) => ws.send(JSON.stringify(f)),
      close: (code, reason) => ws.close(code, reason),
      frame: (t, after = 0) => waitFor(() => s.frames.filter((f) => f.t === t)[after], { what: `frame ${t} #${after + 1}` }),
      roundTrip: async () => {
        const ts = -++pings;
        s.send({ t: 'ping', ts });
        await waitFor(() => s.frames.find((f) => f.t === 'pong' && f.ts === ts), { what: 'pong' });
      },
    };
    const silent = peer.answer === 'silent';
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as PeerFrame;
      s.frames.push(f);
      if (f.t === 'hello' && !silent) s.send({ t: 'welcome', v: f.v, ...peer.welcome });
    });
    ws.on('close', (code, reason) => (s.closed = { code, reason: reason.toString() }));
    sockets.push(s);
  });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  peer.url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/relay`;
  return peer;
}
