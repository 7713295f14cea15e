/**
 * One of our programs run as its own process through its real CLI
 * (bin/coocenter-cloud.js, bin/coocenter-relay.js), as an operator runs it,
 * with its JSON log lines collected as they come.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface Program {
  child: ChildProcess;
  /** Every JSON line it wrote to stderr so far. */
  lines: Array<Record<string, unknown>>;
  output: () => string;
  /** Resolves once the process has exited. */
  exited: Promise<void>;
}

export function runProgram(bin: string, args: string[], env: Record<string, string | undefined>): Program {
  const child = spawn(process.execPath, [join('bin', bin), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const p: Program = { child, lines: [], output: () => text, exited };
  let partial = '';
  child.stderr!.on('data', (d: Buffer) => {
    text += d;
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      try {
        p.lines.push(JSON.parse(line));
      } catch {
        // not a log line (a crash's stack): kept in output() for the failure message
      }
    }
  });
  return p;
}

/** SIGTERM every program still running, last started first, and wait for each to exit. */
export async function stopPrograms(programs: Program[]): Promise<void> {
  for (const p of [...programs].reverse()) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
    p.child.kill('SIGTERM');
    await p.exited;
  }
}
