#!/usr/bin/env node
/**
 * Run the PBX simulator as a process:
 *
 *   node dist/simulator/src/cli.js --port 5038 [--tech PJSIP] [--monitor-dir DIR] [--demo]
 *
 * Other flags: --host H, --user name:secret (repeatable), --time-scale X,
 * --timestamp-events, --ami-call-talk-ms N, --demo-interval-ms N,
 * --cdr-csv FILE (Master.csv), --queue-log FILE.
 * Logs are JSON lines on stderr.
 */

import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createLogger, parseLevel } from '../../protocol/src/log.js';
import { DemoTraffic } from './demo.js';
import { startSimulator, type SimulatorOptions } from './index.js';

export class CliUsageError extends Error {
  readonly code = 'SIM_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

export interface CliArgs {
  options: SimulatorOptions;
  demo: boolean;
  demoIntervalMs: number;
}

export function parseArgs(argv: string[]): CliArgs {
  const options: SimulatorOptions = { port: 5038 };
  let demo = false;
  let demoIntervalMs = 4000;
  const users: Array<{ username: string; secret: string }> = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new CliUsageError(`${flag} needs a value`);
      return v;
    };
    const number = (): number => {
      const v = Number(value());
      if (!Number.isFinite(v)) throw new CliUsageError(`${flag} needs a number`);
      return v;
    };
    switch (flag) {
      case '--port':
        options.port = number();
        break;
      case '--host':
        options.host = value();
        break;
      case '--tech': {
        const t = value().toUpperCase();
        if (t !== 'SIP' && t !== 'PJSIP') throw new CliUsageError('--tech is SIP or PJSIP');
        options.tech = t;
        break;
      }
      case '--monitor-dir':
        options.monitorDir = value();
        break;
      case '--user': {
        const [username, ...rest] = value().split(':');
        if (!username || rest.length === 0) throw new CliUsageError('--user is name:secret');
        users.push({ username, secret: rest.join(':') });
        break;
      }
      case '--time-scale':
        options.timeScale = number();
        break;
      case '--timestamp-events':
        options.timestampEvents = true;
        break;
      case '--ami-call-talk-ms':
        options.amiCallTalkMs = number();
        break;
      case '--cdr-csv':
        options.cdrCsvPath = value();
        break;
      case '--queue-log':
        options.queueLogPath = value();
        break;
      case '--demo':
        demo = true;
        break;
      case '--demo-interval-ms':
        demoIntervalMs = number();
        break;
      default:
        throw new CliUsageError(`unknown flag ${flag}`);
    }
  }
  if (users.length) options.users = users;
  // In the demo, calls started through the AMI (click-to-call) end by themselves.
  if (demo && options.amiCallTalkMs === undefined) options.amiCallTalkMs = 30_000;
  return { options, demo, demoIntervalMs };
}

async function main(): Promise<void> {
  const logger = createLogger({ level: parseLevel(process.env.LOG_LEVEL) ?? 'info', fields: { component: 'pbx-simulator' } });
  let args: CliArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    logger.error('bad command line', { err });
    process.exitCode = 2;
    return;
  }
  const sim = await startSimulator({ ...args.options, logger });
  logger.info('AMI listening', { host: sim.host, port: sim.port, tech: sim.tech, demo: args.demo });
  const demo = args.demo ? new DemoTraffic(sim, { intervalMs: args.demoIntervalMs, logger }) : undefined;
  demo?.start();
  const stop = async (signal: string) => {
    logger.info('stopping', { signal });
    demo?.stop();
    await sim.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

// Run only when executed directly, not when imported (tests import parseArgs).
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main().catch((err: unknown) => {
    createLogger().error('simulator failed', { err });
    process.exitCode = 1;
  });
}
