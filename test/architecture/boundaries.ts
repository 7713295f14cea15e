/**
 * Which of our folders may import which: the dependency directions of the
 * architecture, as one table, and a pure checker over a list of files.
 *
 * Imports are read with TypeScript's own scanner (ts.preProcessFile): static
 * imports and re-exports, `import type`, side-effect imports, `import()` and
 * `require()`, never what a comment or a string merely mentions.
 */

import { posix } from 'node:path';
import ts from 'typescript';

export interface Boundary {
  /** Where its files may import from: a folder of ours, or a path prefix inside one. `*`: anywhere. */
  may: readonly string[];
  why: string;
}

/** Every folder of ours that holds TypeScript (`.ts`, `.tsx`), and what it may import. A folder not listed is refused. */
export const BOUNDARIES: Readonly<Record<string, Boundary>> = {
  protocol: { may: [], why: 'what relay and cloud share stands on its own' },
  'ami-codec': { may: ['protocol'], why: 'the AMI wire format serves the relay and the simulator alike, and knows neither' },
  'edge-relay': { may: ['protocol', 'ami-codec'], why: 'the relay reaches the cloud over the tunnel protocol only' },
  cloud: { may: ['protocol'], why: 'the cloud reaches the relay over the tunnel protocol only, and speaks no AMI' },
  simulator: { may: ['protocol', 'ami-codec'], why: 'the simulator stands in for Asterisk, never for our own parts' },
  client: { may: [], why: 'the typed client integrators use stands alone: its types are generated from the API document, not imported from the cloud' },
  console: {
    may: [
      'protocol/src/events/',
      'protocol/src/zoned-time.js',
      'protocol/src/live/',
      'protocol/src/box-api/fields.js',
      'protocol/src/box-api/pop-url.js',
      'client/openapi.js',
      'cloud/src/stream/messages.js',
      'cloud/src/live/publisher.js',
    ],
    why: 'the console runs in browsers and reaches the cloud over HTTP only: it shares the box event types, the zone arithmetic, the live-state model, the box fields\' shapes and the pop_url template, the API document\'s types and the stream\'s messages, nothing that runs on a server',
  },
  infra: { may: ['cloud/src/store/'], why: 'the stack takes only the table definitions from the code; it names the Lambda entries by path' },
  scripts: { may: ['protocol', 'cloud', 'simulator', 'infra'], why: 'the demo runs the cloud and the simulator in its process; the relay runs as its own, through its CLI; the release bundle shares the Lambda bundles\' esbuild settings' },
  bench: { may: ['*'], why: 'benchmarks measure any part' },
  test: { may: ['*'], why: 'cross-package tests use any part' },
};

/** A package's own tests (`*.test.ts`) may also use the shared test helpers and fixtures. */
const TESTS_MAY = 'test/';

export interface SourceFile {
  /** Repository-relative, with `/` (`edge-relay/src/relay.ts`). */
  path: string;
  text: string;
}

/** Every specifier the file imports, static or dynamic. */
export function importSpecifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** Where a relative specifier points, repository-relative; undefined for a package (`hono`, `node:fs`). */
export function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return posix.normalize(posix.join(posix.dirname(from), specifier));
}

/** One line per import that crosses a boundary it may not: `file imports target (folder may import: …)`. */
export function boundaryViolations(files: readonly SourceFile[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    const folder = file.path.split('/')[0];
    const boundary = BOUNDARIES[folder];
    if (!boundary) {
      out.push(`${file.path}: ${folder}/ is not in the boundary table`);
      continue;
    }
    const may = /\.test\.tsx?$/.test(file.path) ? [...boundary.may, TESTS_MAY] : boundary.may;
    for (const specifier of importSpecifiers(file.text)) {
      const target = resolveImport(file.path, specifier);
      if (target === undefined) continue;
      if (target.startsWith('../')) {
        out.push(`${file.path} imports ${specifier}, outside the repository`);
        continue;
      }
      const own = target.split('/')[0] === folder;
      if (own || may.some((m) => m === '*' || target === m || target.startsWith(m.endsWith('/') ? m : `${m}/`))) continue;
      out.push(`${file.path} imports ${target} (${folder}/ may import: ${may.join(', ') || 'nothing of ours'}; ${boundary.why})`);
    }
  }
  return out;
}
