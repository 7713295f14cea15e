/** The relay's software version, as reported to the cloud in `hello`. */
import { readFileSync } from 'node:fs';

function packageVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // try the next layout (source tree vs dist)
    }
  }
  return '0.0.0';
}

export const RELAY_VERSION = `coocenter-relay/${packageVersion()}`;
