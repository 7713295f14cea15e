/**
 * Shared pieces of the benchmarks: child processes for the cloud and the
 * relay (so their CPU and memory are their own), percentiles, RSS readings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForPort } from '../cloud/src/local/free-port.js';

export const ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      readFileSync(join(dir, 'package.json'));
      return dir;
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error('package root not found');
})();

export function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summary(samples: number[]): { p50: number; p90: number; p99: number; mean: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  const r = (x: number) => Number(x.toFixed(3));
  return { p50: r(percentile(s, 50)), p90: r(percentile(s, 90)), p99: r(percentile(s, 99)), mean: r(mean), n: s.length };
}

/** Resident memory of a process, in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number((Number(m[1]) / 1024).toFixed(1)) : NaN;
}

/** CPU time a process has used so far, user + system, in seconds (Linux /proc; clock ticks of 10 ms). */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    // Fields after the command name (which may hold spaces): state is the 3rd field, utime the 14th, stime the 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

export interface CloudProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `BENCH_PROFILE_DIR=/tmp/p npm run bench:…` writes a CPU profile of each child process there. */
function nodeArgs(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789';

export async function startCloudProcess(env: Record<string, string> = {}): Promise<CloudProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs(), join(ROOT, 'bin', 'coocenter-cloud.js')], {
    env: { ...process.env, PORT: String(port), ADMIN_TOKEN: BENCH_ADMIN_TOKEN, DATA_DIR: tmp('bench-cloud-'), LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForPort(port, 90_000, () => child.exitCode === null);
  // The port answers 503 (starting) until DynamoDB Local and the queues are up.
  for (let deadline = Date.now() + 90_000; (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status !== 200; ) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('the cloud did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    stop: () => stopChild(child),
  };
}

export async function startRelayProcess(conf: string): Promise<{ child: ChildProcess; lanPort: number; stop(): Promise<void> }> {
  const dir = tmp('bench-relay-');
  const lanPort = await freePort();
  const file = join(dir, 'api.conf');
  writeFileSync(file, conf.replace('__LAN_PORT__', String(lanPort)).replace('__DATA_DIR__', dir));
  // Run the bin as a user would (`npx coocenter-relay`), so its shebang's V8 flags apply.
  const bin = join(ROOT, 'bin', 'coocenter-relay.js');
  const args = nodeArgs();
  const child = spawn(args.length > 0 ? process.execPath : bin, args.length > 0 ? [...args, '--max-semi-space-size=1', bin, '--config', file] : ['--config', file], {
    env: { ...process.env, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForPort(lanPort, 30_000, () => child.exitCode === null);
  return { child, lanPort, stop: () => stopChild(child) };
}

export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

export async function json(url: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text}`);
  return JSON.parse(text);
}

export function print(result: unknown): void {
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}
