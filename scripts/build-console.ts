/**
 * Builds the web console (console/src) into dist/console, the folder the
 * cloud serves at /console (both runtimes; the HTTP Lambda function carries a
 * copy beside its bundle):
 *
 *   dist/console/index.html                the page (no-cache: it names the assets)
 *   dist/console/assets/main-<hash>.js     the app, ES modules, minified
 *   dist/console/assets/chunk-<hash>.js    code loaded on demand (the charts: uPlot)
 *   dist/console/assets/styles-<hash>.css
 *   …and a .br and a .gz beside each, when smaller (API Gateway does not compress)
 *
 * Content-hashed names make every asset immutable: a new build is new names,
 * and only index.html is ever revalidated. `npm run build` runs this after tsc;
 * so does `prepare` (npm ci).
 *
 *   node dist/scripts/build-console.js [--out DIR]
 */

import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { CONSOLE_BUILD, REPO_ROOT } from '../infra/lib/paths.js';

/** Where the cloud finds the console (cloud/src/console serves this folder). */
export const CONSOLE_OUT = join(REPO_ROOT, CONSOLE_BUILD);
/** The URL path the cloud serves the console under (the assets are named from the page absolutely). */
export const CONSOLE_BASE = '/console/';

export interface ConsoleFile {
  /** Relative to the output folder: `assets/main-ABC123.js`. */
  path: string;
  bytes: number;
  br?: number;
  gzip?: number;
}

/** Browsers the console supports: the last two years of the evergreen ones (ES2020, CSS custom properties). */
const TARGET = ['chrome109', 'edge109', 'firefox115', 'safari15.4'];

function page(script: string, style: string): string {
  // One script and one stylesheet; no inline code, so the CSP needs no 'unsafe-inline'.
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    '<title>coocenter console</title>',
    '<link rel="icon" href="data:,">',
    `<link rel="stylesheet" href="${CONSOLE_BASE}${style}">`,
    `<script type="module" src="${CONSOLE_BASE}${script}"></script>`,
    '</head>',
    '<body>',
    '<div id="app"></div>',
    '<noscript>The coocenter console needs JavaScript. 控制台需要 JavaScript。</noscript>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Write `.br` and `.gz` beside a file when they save something. */
function precompress(file: string): { br?: number; gzip?: number } {
  const body = readFileSync(file);
  const out: { br?: number; gzip?: number } = {};
  const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
  if (br.length < body.length) {
    writeFileSync(`${file}.br`, br);
    out.br = br.length;
  }
  const gz = gzipSync(body, { level: 9 });
  if (gz.length < body.length) {
    writeFileSync(`${file}.gz`, gz);
    out.gzip = gz.length;
  }
  return out;
}

export async function buildConsole(outDir = CONSOLE_OUT): Promise<ConsoleFile[]> {
  // Old hashed files would pile up otherwise (and ship in the Lambda bundle).
  rmSync(outDir, { recursive: true, force: true });
  const assets = join(outDir, 'assets');
  mkdirSync(assets, { recursive: true });
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: { main: 'console/src/main.tsx', styles: 'console/src/styles.css' },
    outdir: assets,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: TARGET,
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: 'console/tsconfig.json',
    // Licence comments of preact and uPlot (MIT) stay with the code.
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => relative(outDir, resolve(REPO_ROOT, p)));
  const script = outputs.find((p) => basename(p).startsWith('main-') && p.endsWith('.js'));
  const style = outputs.find((p) => basename(p).startsWith('styles-') && p.endsWith('.css'));
  if (!script || !style) throw new Error(`console build: no main script or stylesheet among ${outputs.join(', ')}`);
  writeFileSync(join(outDir, 'index.html'), page(script, style));

  const files: ConsoleFile[] = [];
  for (const path of ['index.html', ...readdirSync(assets).map((f) => `assets/${f}`)]) {
    const full = join(outDir, path);
    files.push({ path, bytes: statSync(full).size, ...precompress(full) });
  }
  return files;
}

const kb = (n: number | undefined) => (n === undefined ? '-' : `${(n / 1024).toFixed(1)} KB`);

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  buildConsole(values.out ? resolve(values.out) : undefined)
    .then((files) => {
      const line = files.map((f) => `${basename(f.path)} ${kb(f.bytes)} (br ${kb(f.br)})`).join(', ');
      process.stdout.write(`console: ${line}\n`);
    })
    .catch((err: unknown) => {
      process.stderr.write(`console build failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
