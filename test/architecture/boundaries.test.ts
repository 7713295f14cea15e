/**
 * The dependency directions of the architecture, enforced on every
 * TypeScript file of the repository (the table is in boundaries.ts): protocol
 * imports none of the parts, the AMI codec only protocol, cloud and relay
 * never each other, and only tests, benchmarks and the demo the simulator.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { boundaryViolations, importSpecifiers, type SourceFile } from './boundaries.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
const SKIP = new Set(['node_modules', 'dist', 'cdk.out']);

function sourceFiles(dir: string, out: SourceFile[] = []): SourceFile[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (/\.tsx?$/.test(entry.name) && dir !== ROOT) out.push({ path: relative(ROOT, path).split(sep).join('/'), text: readFileSync(path, 'utf8') });
  }
  return out;
}

describe('package boundaries', () => {
  it('hold in every TypeScript file of the repository', () => {
    const files = sourceFiles(ROOT);
    expect(files.length).toBeGreaterThan(200);
    for (const folder of ['protocol', 'ami-codec', 'edge-relay', 'cloud', 'simulator', 'infra', 'console', 'test']) expect(files.some((f) => f.path.startsWith(`${folder}/`)), folder).toBe(true);
    expect(boundaryViolations(files)).toEqual([]);
  });
});

describe('the boundary checker', () => {
  const file = (path: string, text: string): SourceFile => ({ path, text });
  const check = (path: string, text: string) => boundaryViolations([file(path, text)]);

  it('reads static, type-only, re-exported, side-effect and dynamic imports, not mentions in comments or strings', () => {
    const text = [
      "import a from './a.js';",
      "import type { B } from '../b.js';",
      "export * from './c.js';",
      "import './d.js';",
      "const e = await import('./e.js');",
      "// import x from './comment.js';",
      "const s = \"import('./string.js')\";",
    ].join('\n');
    expect(importSpecifiers(text)).toEqual(['./a.js', '../b.js', './c.js', './d.js', './e.js']);
  });

  it('refuses protocol importing any part', () => {
    for (const target of ['edge-relay/src/relay.js', 'cloud/src/app.js', 'simulator/src/index.js', 'ami-codec/src/message.js']) {
      expect(check('protocol/src/box-api/routes.ts', `import { x } from '../../../${target}';`), target).toHaveLength(1);
    }
    expect(check('protocol/src/wire/frames.ts', "import { CommandSchema } from '../box-api/commands.js';")).toEqual([]);
  });

  it('refuses the codec importing the relay or the simulator, and takes protocol', () => {
    expect(check('ami-codec/src/decoder.ts', "import { AmiClient } from '../../edge-relay/src/ami/client.js';")).toHaveLength(1);
    expect(check('ami-codec/src/decoder.ts', "import type { Frame } from '../../simulator/src/ami/frame.js';")).toHaveLength(1);
    expect(check('ami-codec/src/decoder.ts', "import type { Clock } from '../../protocol/src/clock.js';")).toEqual([]);
  });

  it('refuses cloud and relay importing each other, however the import is written', () => {
    expect(check('cloud/src/api/sites.ts', "import { AmiPbx } from '../../../edge-relay/src/pbx/ami-pbx.js';")[0]).toMatch(
      /^cloud\/src\/api\/sites\.ts imports edge-relay\/src\/pbx\/ami-pbx\.js \(cloud\/ may import: protocol;/,
    );
    expect(check('cloud/src/api/sites.ts', "const m = await import('../../../edge-relay/src/relay.js');")).toHaveLength(1);
    expect(check('edge-relay/src/relay.ts', "export type { CloudDeps } from '../../cloud/src/deps.js';")).toHaveLength(1);
    expect(check('cloud/src/local/server.ts', "import { AmiDecoder } from '../../../ami-codec/src/decoder.js';")).toHaveLength(1);
  });

  it('lets only tests, benchmarks and the demo import the simulator', () => {
    const sim = "import { startSimulator } from '../../simulator/src/index.js';";
    expect(check('edge-relay/src/main.ts', sim)).toHaveLength(1);
    expect(check('edge-relay/src/ami/client.test.ts', "import { startSimulator } from '../../../simulator/src/index.js';")).toHaveLength(1);
    expect(check('test/relay/lan-api.test.ts', sim)).toEqual([]);
    expect(check('test/helpers/box-world.ts', sim)).toEqual([]);
    expect(check('bench/relay.ts', "import { startSimulator } from '../simulator/src/index.js';")).toEqual([]);
    expect(check('scripts/start.ts', "import { startSimulator } from '../simulator/src/index.js';")).toEqual([]);
  });

  it("lets a package's tests, not its code, use the shared test helpers", () => {
    const helper = "import { loadRecording } from '../../../test/helpers/recordings.js';";
    expect(check('edge-relay/src/ami/client.test.ts', helper)).toEqual([]);
    expect(check('edge-relay/src/ami/client.ts', helper)).toHaveLength(1);
  });

  it('lets the stack take the table definitions from the cloud and nothing else', () => {
    expect(check('infra/lib/tables.ts', "import { tableSchemas } from '../../cloud/src/store/tables.js';")).toEqual([]);
    expect(check('infra/lib/http-api.ts', "import { app } from '../../cloud/src/lambda/http.js';")).toHaveLength(1);
    expect(check('infra/lib/http-api.ts', "import { PROTOCOL_VERSION } from '../../protocol/src/wire/frames.js';")).toHaveLength(1);
  });

  it('lets the console take the box event types and the zone arithmetic, and nothing that runs on a server', () => {
    expect(check('console/src/api/types.ts', "import type { CdrEvent } from '../../../protocol/src/events/box-events.js';")).toEqual([]);
    expect(check('console/src/time-range.ts', "import { zonedFields } from '../../protocol/src/zoned-time.js';")).toEqual([]);
    expect(check('console/src/pages/calls.tsx', "import { parseCdrParams } from '../../../cloud/src/analytics/params.js';")).toHaveLength(1);
    expect(check('console/src/app.tsx', "import { createLogger } from '../../protocol/src/log.js';")).toHaveLength(1);
    expect(check('console/src/app.tsx', "import { BOX_COMMANDS } from '../../protocol/src/box-api/commands.js';")).toHaveLength(1);
    expect(check('console/src/i18n/catalogs.test.ts', "import { waitFor } from '../../../test/helpers/wait.js';")).toEqual([]);
  });

  it('refuses a folder the table does not know, and an import from outside the repository', () => {
    expect(check('gateway/src/index.ts', "import x from 'hono';")).toEqual(['gateway/src/index.ts: gateway/ is not in the boundary table']);
    expect(check('cloud/src/app.ts', "import x from '../../../elsewhere/x.js';")).toEqual(['cloud/src/app.ts imports ../../../elsewhere/x.js, outside the repository']);
  });
});
