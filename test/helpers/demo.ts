/**
 * `npm start` run as a user runs it: through npm (which runs the prestart
 * check, then the demo), on free ports and a fresh data directory, its
 * console collected.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../cloud/src/local/free-port.js';
import { tempDir } from './relay-harness.js';
import { waitFor } from './wait.js';

export interface DemoPorts {
  cloud: number;
  lan: number;
  ami: number;
  webhooks: number;
  metrics: number;
}

export interface DemoRun {
  child: ChildProcess;
  ports: DemoPorts;
  dataDir: string;
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  exited: Promise<number | null>;
  /** Resolves once the demo printed that it is running. */
  ready(): Promise<void>;
}

export async function freeDemoPorts(): Promise<DemoPorts> {
  return { cloud: await freePort(), lan: await freePort(), ami: await freePort(), webhooks: await freePort(), metrics: await freePort() };
}

/**
 * `detached`: in its own process group, as a terminal runs a job (so the test
 * can send a Ctrl-C to the whole group); `command`: npm start, or the compiled
 * demo alone.
 */
export function runDemo(options: { ports: DemoPorts; detached?: boolean; viaNpm?: boolean; env?: Record<string, string> }): DemoRun {
  const { ports } = options;
  const dataDir = tempDir('demo-');
  const [cmd, args] = options.viaNpm === false ? [process.execPath, ['dist/scripts/start.js']] : ['npm', ['start']];
  const child = spawn(cmd, args, {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(ports.cloud),
      LAN_PORT: String(ports.lan),
      AMI_PORT: String(ports.ami),
      WEBHOOK_PORT: String(ports.webhooks),
      METRICS_PORT: String(ports.metrics),
      LOG_LEVEL: 'error',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    ports,
    dataDir,
    output: () => text,
    exited,
    ready: () =>
      waitFor(() => text.includes('Ctrl-C to stop') || child.exitCode !== null, { timeoutMs: 120_000, what: `the demo to start:\n${text}` }).then(() => {
        if (child.exitCode !== null) throw new Error(`the demo exited (${child.exitCode}):\n${text}`);
      }),
  };
}

/** The curl lines the demo printed, as printed. */
export const curlLines = (output: string): string[] =>
  output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('curl '));
