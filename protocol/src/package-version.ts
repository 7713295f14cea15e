/**
 * The product's version, from the repository's package.json (the one source):
 * the nearest package.json above a module, in the source tree or under dist/.
 * Release bundles, where no package.json sits beside the code, set theirs at
 * build time instead (edge-relay/src/version.ts).
 */
import { readFileSync } from 'node:fs';

export function packageVersion(moduleUrl: string): string {
  for (let dir = new URL('.', moduleUrl); ; dir = new URL('..', dir)) {
    try {
      return (JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { version: string }).version;
    } catch {
      // not here: one folder up
    }
    if (dir.pathname === '/') return '0.0.0';
  }
}
