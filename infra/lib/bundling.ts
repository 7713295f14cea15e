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
 * Since then the HTTP function signs recording URLs without the S3 client
 * (SDK 519 → 379 KB) and every bundle leaves the unused credential providers
 * out (below); now, 21 runs: http 55 / 72 ms, 114 + 271 KB; relaySocket
 * 39 / 57; outbox 45 / 51; deliveries 39 / 56 — external still ~2.5× slower.
 */
export const BUNDLE_SDK: Record<LambdaEntry, boolean> = {
  http: true,
  relaySocket: true,
  // The relay socket's SDK clients and the Lambda client (Invoke): 308 KB of SDK bundled;
  // bundled started 178 ms (p50) vs 481 ms external on a loaded machine.
  streamSocket: true,
  outbox: true,
  deliveries: true,
};

/**
 * The default credential chain's other links (SSO, ini files, processes, web
 * identity, container and instance metadata) and the STS/SSO clients they
 * use. The chain reaches them by dynamic import only when the environment
 * holds no credentials, and Lambda always puts the function's role
 * credentials there; if one were ever needed, the runtime's own SDK copy
 * answers the import. Left out of the bundles, they are not compiled on every
 * cold start: the HTTP bundle shrinks from 494 to 386 KB and its init p50
 * from 60–66 to 55 ms (21 runs each, this machine).
 */
export const CREDENTIAL_FALLBACKS = [
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/token-providers',
  '@aws-sdk/nested-clients',
  '@smithy/credential-provider-imds',
];

export function externalModules(entry: LambdaEntry): string[] {
  return BUNDLE_SDK[entry] ? CREDENTIAL_FALLBACKS : SDK_EXTERNALS;
}
