/**
 * A scriptable AMI server over real TCP, for tests that need exact control of
 * what the server says and when (delays, drops, missing ActionIDs). Tests of
 * whole behaviours use the PBX simulator instead.
 */
import net from 'node:net';
import { AmiDecoder } from '../../ami-codec/src/decoder.js';
import type { AmiMessage } from '../../ami-codec/src/message.js';

export interface FakeSession {
  socket: net.Socket;
  /** Every action received, in order. */
  actions: AmiMessage[];
  /** Raw bytes received. */
  received: Buffer[];
  send(text: string): void;
  /** Answer with the given headers; ActionID echoed unless `echoId` is false. */
  reply(action: AmiMessage, headers: Array<[string, string]>, echoId?: boolean): void;
  close(): void;
}

export type ActionHandler = (action: AmiMessage, session: FakeSession) => void | Promise<void>;

export interface FakeAmi {
  port: number;
  sessions: FakeSession[];
  /** Resolves with the next session that connects. */
  nextSession(): Promise<FakeSession>;
  /** Resolves when some session has received an action with this name. */
  waitForAction(name: string, count?: number): Promise<AmiMessage>;
  close(): Promise<void>;
}

export function frame(headers: Array<[string, string]>): string {
  return headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
}

/**
 * Default behaviour: banner, accept Login admin/secret (or refuse), answer
 * Ping, and ModuleCheck as a chan_sip Asterisk does (manager.c: chan_sip.so
 * loaded, anything else `Module not loaded`); everything else goes to
 * `handler`.
 */
export async function startFakeAmi(
  handler: ActionHandler = () => undefined,
  opts: { secret?: string; banner?: string | null; /** Raw bytes to answer Login with instead of a proper answer. */ loginReply?: string } = {},
): Promise<FakeAmi> {
  const sessions: FakeSession[] = [];
  const waiting: Array<(s: FakeSession) => void> = [];
  const actionWaiters: Array<{ name: string; count: number; resolve: (m: AmiMessage) => void }> = [];
  const secret = opts.secret ?? 'secret';

  const checkWaiters = () => {
    for (const w of [...actionWaiters]) {
      const all = sessions.flatMap((s) => s.actions).filter((a) => a.get('Action')?.toLowerCase() === w.name.toLowerCase());
      if (all.length >= w.count) {
        actionWaiters.splice(actionWaiters.indexOf(w), 1);
        w.resolve(all[w.count - 1]);
      }
    }
  };

  const server = net.createServer((socket) => {
    const decoder = new AmiDecoder({ expectBanner: false });
    const session: FakeSession = {
      socket,
      actions: [],
      received: [],
      send: (text) => {
        if (!socket.destroyed) socket.write(text);
      },
      reply: (action, headers, echoId = true) => {
        const id = action.get('ActionID');
        const h: Array<[string, string]> = [headers[0]];
        if (echoId && id !== undefined) h.push(['ActionID', id]);
        h.push(...headers.slice(1));
        session.send(frame(h));
      },
      close: () => socket.destroy(),
    };
    sessions.push(session);
    socket.on('error', () => undefined);
    if (opts.banner !== null) socket.write(`${opts.banner ?? 'Asterisk Call Manager/9.0.0'}\r\n`);
    socket.on('data', (chunk) => {
      session.received.push(chunk);
      decoder.push(chunk, (msg) => {
        session.actions.push(msg);
        const name = (msg.get('Action') ?? '').toLowerCase();
        if (name === 'login' && opts.loginReply !== undefined) {
          session.send(opts.loginReply);
        } else if (name === 'login') {
          if (msg.get('Secret') === secret || msg.get('Key') !== undefined) {
            session.reply(msg, [['Response', 'Success'], ['Message', 'Authentication accepted']]);
          } else {
            session.reply(msg, [['Response', 'Error'], ['Message', 'Authentication failed']]);
            socket.end();
          }
        } else if (name === 'logoff') {
          session.reply(msg, [['Response', 'Goodbye'], ['Message', 'Thanks for all the fish.']]);
          socket.end();
        } else if (name === 'ping') {
          session.reply(msg, [['Response', 'Success'], ['Ping', 'Pong'], ['Timestamp', '1795512991.642913']]);
        } else if (name === 'modulecheck') {
          const loaded = /^chan_sip(\.so)?$/i.test(msg.get('Module') ?? '');
          session.reply(msg, loaded ? [['Response', 'Success'], ['Version', '']] : [['Response', 'Error'], ['Message', 'Module not loaded']]);
        } else {
          void handler(msg, session);
        }
        checkWaiters();
      });
    });
    const w = waiting.shift();
    if (w) w(session);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    sessions,
    nextSession: () => new Promise((resolve) => waiting.push(resolve)),
    waitForAction: (name, count = 1) =>
      new Promise((resolve) => {
        actionWaiters.push({ name, count, resolve });
        checkWaiters();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.socket.destroy();
        server.close(() => resolve());
      }),
  };
}
