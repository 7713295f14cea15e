/** The relay's software version, as reported to the cloud in `hello` and sent as the LAN push's user-agent. */
import { packageVersion } from '../../protocol/src/package-version.js';

/**
 * Set by the release bundle (scripts/package: esbuild `define`), where no
 * package.json sits beside the code; package.json stays the one source.
 */
declare const COOCENTER_RELAY_VERSION: string | undefined;

/** package.json's version, e.g. 0.1.0. */
export const RELAY_PACKAGE_VERSION = typeof COOCENTER_RELAY_VERSION === 'string' ? COOCENTER_RELAY_VERSION : packageVersion(import.meta.url);

export const RELAY_VERSION = `coocenter-relay/${RELAY_PACKAGE_VERSION}`;
