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
 * Decided per entry by `npm run bench:lambda` (cold module init in a fresh node).
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
