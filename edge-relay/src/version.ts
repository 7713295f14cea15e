/** The relay's software version, as reported to the cloud in `hello`. */
import { readFileSync } from 'node:fs';

/**
 * Set by the release bundle (scripts/package: esbuild `define`), where no
 * package.json sits beside the code; package.json stays the one source.
 */
declare const COOCENTER_RELAY_VERSION: string | undefined;

function packageVersion(): string {
  if (typeof COOCENTER_RELAY_VERSION === 'string') return COOCENTER_RELAY_VERSION;
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // try the next layout (source tree vs dist)
    }
  }
  return '0.0.0';
}

/** package.json's version, e.g. 0.1.0. */
export const RELAY_PACKAGE_VERSION = packageVersion();

export const RELAY_VERSION = `coocenter-relay/${RELAY_PACKAGE_VERSION}`;
