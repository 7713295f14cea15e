/**
 * Lambda bundles, in one run: for each entry of cloud/src/lambda, bundle it
 * as the stack does (esbuild, ESM, node20, minified, source map) twice —
 * with the AWS SDK inside, and with `@aws-sdk/*` and `@smithy/*` left to the
 * runtime — then report
 *  - bytes of the bundle by origin (esbuild metafile): our sources, other
 *    packages, the SDK;
 *  - cold module init: the time to `import()` the bundle in a fresh node
 *    process (settings set to dummy values so the module's start-up runs),
 *    p50/p90 of N runs, with `--enable-source-maps` as deployed, and once
 *    without it for the chosen variant (what the source maps cost).
 * Targets (issue 6) for the HTTP handler: our code ≤ 150 KB minified, init
 * < 60 ms with every dependency it loads.
 *
 * An external SDK is loaded from this repository's node_modules, standing in
 * for the runtime's copy (/var/runtime/node_modules): the bundles are written
 * under node_modules/.cache so that node finds it.
 *
 *   npm run bench:lambda [-- --runs 15 --only http,relaySocket]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_SDK, CREDENTIAL_FALLBACKS, ESBUILD_COMMON, SDK_EXTERNALS } from '../infra/lib/bundling.js';
import { LAMBDA_ENTRIES, REPO_ROOT, type LambdaEntry } from '../infra/lib/paths.js';
import { print, summary } from './support.js';

const OUT = join(REPO_ROOT, 'node_modules', '.cache', 'bench-lambda');
const HTTP_OWN_CODE_TARGET_KB = 150;
const HTTP_INIT_TARGET_MS = 60;

type Variant = 'bundled' | 'external';

interface Bundle {
  entry: LambdaEntry;
  variant: Variant;
  file: string;
  kb: { total: number; ours: number; packages: number; sdk: number };
}

/** Settings every function may read, with harmless values: module start-up must not fail or reach the network. */
const DUMMY_ENV: Record<string, string> = {
  MAIN_TABLE: 'bench-main',
  EVENTS_TABLE: 'bench-events',
  DELIVERY_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/111122223333/bench-deliveries',
  DELIVERY_DLQ_URL: 'https://sqs.eu-central-1.amazonaws.com/111122223333/bench-deliveries-dlq',
  ORDERED_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/111122223333/bench-deliveries.fifo',
  ORDERED_DLQ_URL: 'https://sqs.eu-central-1.amazonaws.com/111122223333/bench-deliveries-dlq.fifo',
  RECORDINGS_BUCKET: 'bench-recordings',
  RELAY_MANAGEMENT_ENDPOINT: 'https://abcdef1234.execute-api.eu-central-1.amazonaws.com/prod',
  SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
  ADMIN_TOKEN: 'bench-admin-token',
  COMMAND_TIMEOUT_MS: '25000',
  EVENT_RETENTION_DAYS: '90',
  LOG_LEVEL: 'error',
  AWS_REGION: 'eu-central-1',
  AWS_ACCESS_KEY_ID: 'AKIABENCHBENCHBENCH0',
  AWS_SECRET_ACCESS_KEY: 'bench-secret',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

const kb = (bytes: number) => Number((bytes / 1024).toFixed(1));

/**
 * Where a bundled input comes from. Packages the SDK pulls in (mnemonist,
 * @aws/lambda-invoke-store…) count as the SDK's: a package is ours when the
 * bundle without the SDK still contains it.
 */
function origin(input: string, withoutSdk: ReadonlySet<string> | undefined): 'sdk' | 'packages' | 'ours' {
  if (/node_modules\/(@aws-sdk|@smithy)\//.test(input)) return 'sdk';
  if (!input.includes('node_modules/')) return 'ours';
  return withoutSdk === undefined || withoutSdk.has(input) ? 'packages' : 'sdk';
}

async function bundle(entry: LambdaEntry, variant: Variant, withoutSdk?: ReadonlySet<string>): Promise<Bundle & { inputs: Set<string> }> {
  const dir = join(OUT, `${entry}-${variant}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'index.mjs');
  const result = await build({
    entryPoints: [join(REPO_ROOT, LAMBDA_ENTRIES[entry])],
    outfile: file,
    bundle: true,
    ...ESBUILD_COMMON,
    mainFields: [...ESBUILD_COMMON.mainFields],
    banner: { js: ESBUILD_COMMON.banner },
    sourcemap: 'external',
    sourcesContent: false,
    external: variant === 'external' ? SDK_EXTERNALS : CREDENTIAL_FALLBACKS,
    metafile: true,
    logLevel: 'error',
  });
  const bytes = { ours: 0, packages: 0, sdk: 0 };
  const output = (result.metafile as Metafile).outputs[relative(process.cwd(), file)] ?? Object.values(result.metafile!.outputs).find((o) => o.entryPoint);
  for (const [input, { bytesInOutput }] of Object.entries(output!.inputs)) bytes[origin(input, withoutSdk)] += bytesInOutput;
  return {
    entry,
    variant,
    file,
    inputs: new Set(Object.keys(output!.inputs)),
    kb: { total: kb(statSync(file).size), ours: kb(bytes.ours + bytes.packages), packages: kb(bytes.packages), sdk: kb(bytes.sdk) },
  };
}

/** Milliseconds to import the bundle in a fresh node, measured inside it. */
function coldImport(file: string, sourceMaps: boolean): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const args = [...(sourceMaps ? ['--enable-source-maps'] : []), '--input-type=module', '-e', script];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...DUMMY_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(out);
      if (code !== 0 || !Number.isFinite(ms)) reject(new Error(`import of ${relative(REPO_ROOT, file)} failed (exit ${code}): ${err.trim().split('\n').slice(0, 5).join(' | ')}`));
      else resolve(ms);
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, only: { type: 'string' } } });
  const runs = Number(values.runs);
  const only = values.only?.split(',').map((s) => s.trim());
  const entries = (Object.keys(LAMBDA_ENTRIES) as LambdaEntry[]).filter((e) => existsSync(join(REPO_ROOT, LAMBDA_ENTRIES[e])) && (!only || only.includes(e)));
  if (entries.length === 0) throw new Error('no Lambda entry found under cloud/src/lambda');

  const bundles: Bundle[] = [];
  for (const entry of entries) {
    const external = await bundle(entry, 'external');
    bundles.push(await bundle(entry, 'bundled', external.inputs), external);
  }

  // One sample of each configuration per round, so that none gets a quieter machine.
  const configs = bundles.flatMap((b) => [{ b, sourceMaps: true }, ...(b.variant === 'bundled' || !BUNDLE_SDK[b.entry] ? [{ b, sourceMaps: false }] : [])]);
  const samples = new Map(configs.map((c) => [c, [] as number[]]));
  for (const c of configs) await coldImport(c.b.file, c.sourceMaps); // warm the file cache once
  for (let r = 0; r < runs; r++) for (const c of configs) samples.get(c)!.push(await coldImport(c.b.file, c.sourceMaps));
  const initOf = (b: Bundle, sourceMaps: boolean) => summary(samples.get(configs.find((c) => c.b === b && c.sourceMaps === sourceMaps)!)!);

  const results = entries.map((entry) => {
    const [bundled, external] = (['bundled', 'external'] as const).map((v) => bundles.find((b) => b.entry === entry && b.variant === v)!);
    const row = (b: Bundle) => ({ kb: b.kb, initMs: { p50: initOf(b, true).p50, p90: initOf(b, true).p90 } });
    const faster: Variant = initOf(bundled, true).p50 <= initOf(external, true).p50 ? 'bundled' : 'external';
    const chosen: Variant = BUNDLE_SDK[entry] ? 'bundled' : 'external';
    const chosenBundle = chosen === 'bundled' ? bundled : external;
    return {
      entry,
      bundled: row(bundled),
      external: row(external),
      fasterToStart: faster,
      stackUses: chosen,
      initWithoutSourceMapsMs: { p50: initOf(chosenBundle, false).p50, p90: initOf(chosenBundle, false).p90 },
    };
  });

  print({ bench: 'lambda', runs, node: process.version, results });

  const pad = (s: string | number, n: number) => String(s).padStart(n);
  process.stdout.write(`\n${'entry'.padEnd(12)} ${'variant'.padEnd(9)} ${pad('total KB', 9)} ${pad('ours KB', 8)} ${pad('(pkgs)', 7)} ${pad('SDK KB', 7)} ${pad('init p50', 9)} ${pad('p90 ms', 7)}\n`);
  for (const r of results) {
    for (const v of ['bundled', 'external'] as const) {
      const x = r[v];
      const mark = r.stackUses === v ? ' ← stack' : '';
      process.stdout.write(`${r.entry.padEnd(12)} ${v.padEnd(9)} ${pad(x.kb.total, 9)} ${pad(x.kb.ours, 8)} ${pad(x.kb.packages, 7)} ${pad(x.kb.sdk, 7)} ${pad(x.initMs.p50, 9)} ${pad(x.initMs.p90, 7)}${mark}\n`);
    }
  }
  process.stdout.write('\n');
  for (const r of results) {
    const agree = r.fasterToStart === r.stackUses;
    process.stdout.write(`${r.entry}: ${r.fasterToStart} SDK starts faster; the stack uses ${r.stackUses}${agree ? '' : ' (MISMATCH: update BUNDLE_SDK in infra/lib/bundling.ts)'}; without --enable-source-maps p50 ${r.initWithoutSourceMapsMs.p50} ms\n`);
  }
  const http = results.find((r) => r.entry === 'http');
  if (http) {
    const x = http[http.stackUses];
    const sizeOk = x.kb.ours <= HTTP_OWN_CODE_TARGET_KB;
    const initOk = x.initMs.p50 < HTTP_INIT_TARGET_MS;
    process.stdout.write(
      `http: our code ${x.kb.ours} KB (target ≤ ${HTTP_OWN_CODE_TARGET_KB}) ${sizeOk ? 'met' : 'MISSED'}; init p50 ${x.initMs.p50} ms (target < ${HTTP_INIT_TARGET_MS}) ${initOk ? 'met' : 'MISSED'}\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:lambda: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
