/**
 * The coocenter cloud API's typed client: openapi-fetch over the types
 * openapi-typescript generates from the API document (`npm run build` writes
 * client/openapi.d.ts from the route declarations; the same document is
 * served at GET /openapi.json). Paths, parameters, bodies and answers are
 * typed per route; see README.md beside this file.
 */

import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './openapi.js';

export type { components, operations, paths } from './openapi.js';

export type CoocenterClient = Client<paths>;

export interface CoocenterClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** A tenant key (`ck.…`) or, for the operator's routes, the ADMIN_TOKEN: sent as `Authorization: Bearer …`. */
  token?: string;
}

/** A client of the cloud at `baseUrl` (`https://api.example.com`). */
export function createCoocenterClient(baseUrl: string, options: CoocenterClientOptions = {}): CoocenterClient {
  const { token, headers, ...rest } = options;
  return createClient<paths>({
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(headers as Record<string, string> | undefined) },
    ...rest,
  });
}
