/**
 * The relay as a single executable: the running Node binary with the
 * CommonJS bundle injected as its main script (Node's single executable
 * application support, blob injected with postject). A PBX host needs no
 * Node at all.
 */

import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The fuse Node looks for to know a blob was injected (documented with SEA). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface SeaOptions {
  /** The CommonJS bundle to run. */
  main: string;
  /** Where the executable goes. */
  output: string;
  /** A scratch directory for the config and the blob. */
  workDir: string;
  /** Node binary to start from; the running one by default. */
  node?: string;
}

export function buildExecutable(options: SeaOptions): void {
  const node = options.node ?? process.execPath;
  const binary = readFileSync(node);
  if (!binary.includes(SEA_FUSE)) {
    throw new Error(`${node} cannot make a single executable (no SEA fuse: a distribution's shared-library build?); use an official Node ${process.versions.node.split('.')[0]} binary`);
  }
  const config = join(options.workDir, 'sea-config.json');
  const blob = join(options.workDir, 'sea-prep.blob');
  writeFileSync(
    config,
    JSON.stringify({
      main: options.main,
      output: blob,
      // The relay's logs are JSON lines on stderr; Node's "experimental"
      // banner there would be the one line that is not JSON, on every start.
      disableExperimentalSEAWarning: true,
      // No V8 code cache: V8 rejects it whenever the flags differ from the
      // build's, printing "Warning: Code cache data rejected." on every start,
      // and the unit runs with NODE_OPTIONS=--max-semi-space-size=1 (the
      // relay's memory setting, as bin/coocenter-relay.js). It saved 10-15 ms
      // of a ~200 ms start here (20 runs each of --version, with and without),
      // once per boot: not worth a warning in the journal.
      useCodeCache: false,
    }),
  );
  const made = spawnSync(node, ['--experimental-sea-config', config], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`node --experimental-sea-config failed: ${made.stderr.trim()}`);
  copyFileSync(node, options.output);
  chmodSync(options.output, 0o755);
  // postject's own CLI, as a child: its ELF library prints a warning per
  // unnamed note section of Node's binary, noise unless the injection fails.
  const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
  const injected = spawnSync(process.execPath, [postject, options.output, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], { encoding: 'utf8' });
  if (injected.status !== 0) throw new Error(`postject failed: ${(injected.stderr + injected.stdout).trim()}`);
}
