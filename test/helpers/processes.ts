/**
 * What runs on this machine, read from /proc: a process's descendants (to
 * check that stopping a program leaves none of them behind) and whether a
 * loopback port still accepts connections.
 */
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';

interface Proc {
  pid: number;
  ppid: number;
  state: string;
}

function stat(pid: number): Proc | undefined {
  try {
    // pid (comm) state ppid …; comm may hold spaces and parentheses.
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(ppid), state };
  } catch {
    return undefined;
  }
}

/** Every process below `pid`, children first. */
export function descendants(pid: number): number[] {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => stat(Number(d)))
    .filter((p): p is Proc => p !== undefined);
  const out: number[] = [];
  const walk = (parent: number) => {
    for (const p of all) if (p.ppid === parent) out.push(p.pid), walk(p.pid);
  };
  walk(pid);
  return out;
}

/** A process that exists and is not a zombie waiting to be reaped. */
export function running(pid: number): boolean {
  const p = stat(pid);
  return p !== undefined && p.state !== 'Z';
}

/** The command line of a process ('' once it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** SIGKILL a process and everything below it (a test's last resort: the relay has its own process group). */
export function killTree(pid: number): void {
  for (const p of [...descendants(pid), pid]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Hold a port, as another program would (`port` 0: any free one). */
export async function takePort(port = 0, host = '127.0.0.1'): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
