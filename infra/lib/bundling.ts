/**
 * How each Lambda entry is bundled. Shared by the stack (NodejsFunction) and
 * by `npm run bench:lambda`, so the benchmark measures the bundles we ship.
 */

import type { LambdaEntry } from './paths.js';

/**
 * ESM output has no `require`; CommonJS code inside the bundle (some
 * dependencies still `require('node:…')`) would fail with "Dynamic require of
 * … is not supported". The banner gives the module a real one.
 */
export const ESM_REQUIRE_SHIM = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** esbuild settings common to every entry (what NodejsFunction passes to esbuild). */
export const ESBUILD_COMMON = {
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // NodejsFunction's choice for ESM: prefer each package's ES module build.
  mainFields: ['module', 'main'],
  minify: true,
  banner: ESM_REQUIRE_SHIM,
} as const;

/** Leave the AWS SDK to the Lambda runtime's own copy. */
export const SDK_EXTERNALS = ['@aws-sdk/*', '@smithy/*'];

/**
 * Bundle the AWS SDK into each entry (true), or leave it to the runtime's copy?
 * Decided per entry by `npm run bench:lambda`: cold import in a fresh node,
 * 15 runs, p50 / p90 in ms, bundle KB (our code + the SDK), this 2-core
 * machine (load average ~1):
 *
 *   entry        SDK bundled                 SDK external (node_modules)
 *   http         77 / 88    114 + 519 KB     178 / 200   115 KB
 *   relaySocket  46 / 49     36 + 349 KB      98 / 105    37 KB
 *   outbox       54 / 60     36 + 367 KB     107 / 110    37 KB
 *   deliveries   48 / 54     22 + 366 KB     103 / 111    22 KB
 *
 * Bundled starts about twice as fast everywhere (node otherwise resolves and
 * compiles hundreds of small SDK files), and pins the SDK version we test.
 * `--enable-source-maps` made no measurable difference (77.2 vs 77.4 ms).
 * http misses its 60 ms init target: the SDK's shared core takes ~40 ms by
 * itself, and the same bundle with the S3 client and presigner stubbed out
 * imports in 66 instead of 80 ms (p50 of 20): loading them lazily, only for
 * recordings, is the remaining lever (cloud/src, not a bundling option).
 */
export const BUNDLE_SDK: Record<LambdaEntry, boolean> = {
  http: true,
  relaySocket: true,
  outbox: true,
  deliveries: true,
};

export function externalModules(entry: LambdaEntry): string[] {
  return BUNDLE_SDK[entry] ? [] : SDK_EXTERNALS;
}
