/**
 * One Lambda function from one of the runtime's entry files, bundled the same
 * way for all of them: local esbuild (no Docker), ESM, Node 20 on ARM
 * (Graviton: its GB-second is priced 20% below x86's, and this code mostly
 * waits on I/O), minified, with a source map for stack traces.
 */

import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ESBUILD_COMMON, externalModules } from './bundling.js';
import { entryPath, REPO_ROOT, type LambdaEntry } from './paths.js';

export interface HandlerFunctionProps {
  entry: LambdaEntry;
  /** The export to run (`handler`, `connect`, `sweep`…). */
  exportName: string;
  description: string;
  timeout: Duration;
  memorySize?: number;
  /** Only what this function needs (see the contract in docs/deploy.md). */
  environment: Record<string, string>;
  /** Retries of an asynchronous invocation that failed (Lambda's default: 2). */
  retryAttempts?: number;
  /**
   * Folders (or, with `files`, some files of a folder) copied beside the
   * bundle (`from` relative to the repository, `to` inside the function's
   * code), read by the function from disk at run time instead of being
   * compiled into it. Bundling fails when one is missing (`npm run build`
   * writes them).
   */
  besideBundle?: ReadonlyArray<BesideBundle>;
}

export interface BesideBundle {
  readonly from: string;
  readonly to: string;
  /** Only these files of `from` (default: the whole folder). */
  readonly files?: readonly string[];
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** The shell commands that copy `besideBundle` folders into the bundle's folder. */
export function copyBesideBundle(folders: ReadonlyArray<BesideBundle>, inputDir: string, outputDir: string): string[] {
  return folders.flatMap(({ from, to, files }) => {
    const src = quote(`${inputDir}/${from}`);
    const missing = (what: string) => `(echo ${quote(`${what} is missing: run npm ci and npm run build first`)} >&2; exit 1)`;
    if (!files) return [`test -d ${src} || ${missing(from)}`, `cp -R ${src} ${quote(`${outputDir}/${to}`)}`];
    return [
      `mkdir -p ${quote(`${outputDir}/${to}`)}`,
      ...files.map((f) => `test -f ${quote(`${inputDir}/${from}/${f}`)} || ${missing(`${from}/${f}`)}`),
      ...files.map((f) => `cp ${quote(`${inputDir}/${from}/${f}`)} ${quote(`${outputDir}/${to}/${f}`)}`),
    ];
  });
}

/**
 * Node 20: the version the whole project targets and tests on (package.json
 * engines). Lambda deprecated nodejs20.x on 2026-04-30 and stops creating
 * functions with it on 2027-02-01: switch here (and `target` in bundling.ts)
 * to Node 22 before then.
 */
export const RUNTIME = Runtime.NODEJS_20_X;

export class HandlerFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    // Created before the function so that its retention applies from the first log line.
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    super(scope, id, {
      entry: entryPath(props.entry),
      handler: props.exportName,
      description: props.description,
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      retryAttempts: props.retryAttempts,
      logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      environment: {
        ...props.environment,
        // Node only maps stack traces through the bundle's .map when asked to.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: ESBUILD_COMMON.target,
        mainFields: [...ESBUILD_COMMON.mainFields],
        minify: ESBUILD_COMMON.minify,
        sourceMap: true,
        sourceMapMode: SourceMapMode.EXTERNAL,
        // The map points at files in the repository; their text would only double the upload.
        sourcesContent: false,
        banner: ESBUILD_COMMON.banner,
        externalModules: externalModules(props.entry),
        commandHooks: props.besideBundle
          ? {
              beforeBundling: () => [],
              beforeInstall: () => [],
              afterBundling: (inputDir, outputDir) => copyBesideBundle(props.besideBundle ?? [], inputDir, outputDir),
            }
          : undefined,
      },
    });
    Validations.of(this).acknowledge({
      id: 'CloudFormation-Validate::W2531',
      reason:
        'nodejs20.x is deprecated (2026-04-30); Lambda stops creating such functions on 2027-02-01. ' +
        'Node 20 is the project target; move RUNTIME to NODEJS_22_X before then (docs/deploy.md).',
    });
  }
}
