/**
 * A packaged relay (the single executable or the .mjs) run as its own
 * process from a directory outside the repository, as a PBX host would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { waitFor } from './wait.js';

export interface ReleasedRelay {
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs: Array<Record<string, unknown>>;
  /** Lines on stderr that were not JSON logs. */
  other: string[];
  lanPort: number;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Every directory from `dir` up to / that Node would search for node_modules. */
export function reachableNodeModules(dir: string): string[] {
  const found: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) found.push(join(d, 'node_modules'));
    if (dirname(d) === d) return found;
  }
}

export async function startReleasedRelay(command: string, args: string[], opts: { cwd: string; conf: string }): Promise<ReleasedRelay> {
  const confFile = join(opts.cwd, 'api.conf');
  writeFileSync(confFile, opts.conf, { mode: 0o600 });
  // Nothing of this checkout's environment: no NODE_PATH, NODE_OPTIONS, npm_* variables.
  const env = { PATH: '/usr/bin:/bin', HOME: opts.cwd, LOG_LEVEL: 'info', DATA_DIR: join(opts.cwd, 'data') };
  const child = spawn(command, [...args, 'run', '--config', confFile], { cwd: opts.cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  const other: string[] = [];
  let buffered = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        other.push(line);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`relay exited ${child.exitCode}: ${other.join('\n')}`);
      return logs.find((l) => l.msg === 'lan api listening');
    },
    { timeoutMs: 20_000, what: 'the relay listening on its LAN port' },
  );
  return {
    child,
    logs,
    other,
    lanPort: Number(listening.port),
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
