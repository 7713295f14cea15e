#!/usr/bin/env -S node --max-semi-space-size=1
// `npx coocenter-relay --config api.conf`: the compiled relay entry point.
// The relay runs next to the PBX, often on a small box: a 1 MB young
// generation (instead of V8's 16 MB) keeps its resident memory low at a small
// CPU cost (bench/relay.ts measures both).
import { existsSync } from 'node:fs';

const main = new URL('../dist/edge-relay/src/main.js', import.meta.url);
if (!existsSync(main)) {
  // A production install (npm ci --omit=dev) cannot compile the TypeScript.
  process.stderr.write('coocenter-relay: not built (dist/ is missing): run `npm ci && npm run build` (needs the dev dependencies), or install the packaged relay (README: Install on the PBX host)\n');
  process.exit(1);
}
await import(main.href);
