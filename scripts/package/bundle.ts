/**
 * The relay (edge-relay/src/main.ts) as one JavaScript file with every
 * dependency inside: nothing to install but Node itself.
 */

import { build, type Metafile } from 'esbuild';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { ESM_REQUIRE_SHIM } from '../../infra/lib/bundling.js';

export interface BundleOptions {
  root: string;
  version: string;
  outfile: string;
  /**
   * esm: the `.mjs` users run with `node` (or directly: it has a shebang).
   * cjs: the main script of the single executable, which Node 20 runs as
   * CommonJS only (its `require` reaches built-in modules only, so everything
   * else must be inside).
   */
  format: 'esm' | 'cjs';
}

export async function bundleRelay(options: BundleOptions): Promise<Metafile> {
  const esm = options.format === 'esm';
  const result = await build({
    entryPoints: [join(options.root, 'edge-relay', 'src', 'main.ts')],
    outfile: options.outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: options.format,
    // Prefer each package's ES module build, as the Lambda bundles do.
    mainFields: ['module', 'main'],
    // Whitespace and syntax only: names stay, so a stack trace in a bug report still reads.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    legalComments: 'eof',
    // The version comes from package.json at build time (edge-relay/src/version.ts).
    define: {
      COOCENTER_RELAY_VERSION: JSON.stringify(options.version),
      // ws's optional native add-ons cannot be inside a bundle: ws's own
      // switches leave their require() calls out (in the single executable,
      // require() of anything but a built-in module prints a warning).
      'process.env.WS_NO_BUFFER_UTIL': '"1"',
      'process.env.WS_NO_UTF_8_VALIDATE': '"1"',
    },
    banner: esm ? { js: `#!/usr/bin/env -S node --max-semi-space-size=1\n${ESM_REQUIRE_SHIM}` } : undefined,
    // version.ts only reads import.meta when no version was defined, never in a bundle.
    logOverride: { 'empty-import-meta': 'silent' },
    metafile: true,
    logLevel: 'warning',
  });
  if (esm) chmodSync(options.outfile, 0o755);
  return result.metafile;
}

/** The npm packages a bundle carries (for the notices shipped beside it). */
export function bundledPackages(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}
