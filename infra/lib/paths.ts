/**
 * Where the repository is, found from this file so that synth works from any
 * working directory and from both the TypeScript source (tests) and dist/.
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'coocenter-cloud-connector';

export const REPO_ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`${PACKAGE_NAME}: package root not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
})();

/** Where `npm run build` writes the web console (scripts/build-console.ts), relative to the repository; the HTTP function carries a copy. */
export const CONSOLE_BUILD = 'dist/console';
/**
 * The API reference's files (Swagger UI, served at /docs by
 * cloud/src/openapi/reference.ts, which names the same files): the HTTP
 * function carries a copy beside its bundle, in `swagger-ui/`.
 */
export const SWAGGER_UI = { from: 'node_modules/swagger-ui-dist', to: 'swagger-ui', files: ['swagger-ui-bundle.js', 'swagger-ui.css', 'LICENSE'] } as const;

/** The API document `npm run build` generates (scripts/openapi.ts): the HTTP function serves this copy at /openapi.json. */
export const OPENAPI_DOCUMENT = { from: 'dist', to: '.', files: ['openapi.json'] } as const;

/** The Lambda entry files (the runtime's contract): one module per event source. */
export const LAMBDA_ENTRIES = {
  http: 'cloud/src/lambda/http.ts',
  relaySocket: 'cloud/src/lambda/relay-socket.ts',
  streamSocket: 'cloud/src/lambda/stream-socket.ts',
  outbox: 'cloud/src/lambda/outbox.ts',
  deliveries: 'cloud/src/lambda/deliveries.ts',
} as const;

export type LambdaEntry = keyof typeof LAMBDA_ENTRIES;

export function entryPath(entry: LambdaEntry): string {
  return join(REPO_ROOT, LAMBDA_ENTRIES[entry]);
}
