/**
 * `npm run package [-- --out DIR]`: the relay for a PBX host, in dist/release/
 * (or DIR):
 *   coocenter-relay-<version>.mjs            one ES module, needs Node >= 20 only
 *   coocenter-relay-<version>-linux-x64      single executable, needs no Node
 *   coocenter-relay_<version>_amd64.deb      that executable, a systemd unit, the conffile
 * The version is package.json's. The executable starts from the Node binary
 * that runs this script, so its platform and architecture are that Node's.
 */

import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundledPackages, bundleRelay } from './bundle.js';
import { buildDeb, DEB_ARCH, DEB_NAME } from './deb.js';
import { buildExecutable } from './sea.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function releaseNames(version: string, platform = process.platform, arch = process.arch) {
  return {
    mjs: `coocenter-relay-${version}.mjs`,
    executable: `coocenter-relay-${version}-${platform}-${arch}`,
    deb: DEB_ARCH[arch] ? `${DEB_NAME}_${version}_${DEB_ARCH[arch]}.deb` : undefined,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = resolve(values.out ?? join(ROOT, 'dist', 'release'));
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const names = releaseNames(version);
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'coocenter-package-'));
  const started = Date.now();
  const timings: Record<string, number> = {};
  const step = async <T>(name: string, run: () => T | Promise<T>): Promise<T> => {
    const t = Date.now();
    const result = await run();
    timings[name] = Date.now() - t;
    return result;
  };
  try {
    await step('mjs', () => bundleRelay({ root: ROOT, version, format: 'esm', outfile: join(out, names.mjs) }));
    const metafile = await step('cjs', () => bundleRelay({ root: ROOT, version, format: 'cjs', outfile: join(work, 'relay.cjs') }));
    const built = [names.mjs];
    if (process.platform === 'linux') {
      await step('executable', () => buildExecutable({ main: join(work, 'relay.cjs'), output: join(out, names.executable), workDir: work }));
      built.push(names.executable);
      if (names.deb) {
        const deb = names.deb;
        await step('deb', () =>
          buildDeb({ root: ROOT, version, arch: DEB_ARCH[process.arch], executable: join(out, names.executable), bundled: bundledPackages(metafile), workDir: work, output: join(out, deb) }),
        );
        built.push(deb);
      }
    } else {
      process.stderr.write(`package: single executable and .deb are built on Linux only (this is ${process.platform})\n`);
    }
    for (const name of built) {
      const path = relative(process.cwd(), join(out, name));
      process.stdout.write(`${path.startsWith('..') ? join(out, name) : path}  ${(statSync(join(out, name)).size / 1e6).toFixed(1)} MB\n`);
    }
    process.stdout.write(`built in ${((Date.now() - started) / 1000).toFixed(1)} s (${Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')})\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`package: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
