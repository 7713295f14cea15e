// npm runs `prepare` after `npm ci` / `npm install`. It compiles the
// TypeScript and builds the web console (esbuild: dist/console), which need
// the devDependencies (the compiler, the @types packages, esbuild). A production install (`npm ci --omit=dev`) has none of them, and
// failing there would fail the whole install: then this only says so.
// `npm test` and `npm run package` build anyway, and the packaged relay
// (dist/release) needs no build at all.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const { devDependencies = {} } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
// typescript alone is not a sign: a production install can still bring it as
// another package's peer dependency (valibot's), without the @types packages.
const missing = Object.keys(devDependencies).filter((name) => !existsSync(new URL(`node_modules/${name}/package.json`, root)));
if (missing.length > 0) {
  process.stderr.write(`coocenter: development dependencies are not installed (${missing[0]}${missing.length > 1 ? ` and ${missing.length - 1} more` : ''}): skipping the build\n`);
  process.exit(0);
}
const tsc = new URL('node_modules/typescript/bin/tsc', root);
const compiled = spawnSync(process.execPath, [tsc.pathname, '-p', 'tsconfig.json'], { stdio: 'inherit', cwd: root });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
const consoleBuilt = spawnSync(process.execPath, [new URL('dist/scripts/build-console.js', root).pathname], { stdio: 'inherit', cwd: root });
process.exit(consoleBuilt.status ?? 1);
