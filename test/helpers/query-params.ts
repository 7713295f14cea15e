/**
 * CDR and statistics parameters as their routes read them — the route's
 * schema (api/input.ts) then the cross-checks (analytics/params.ts) — with
 * a refusal as its message, for the pure tests of both.
 */
import { CdrParams, getStats } from '../../cloud/src/api/contract/analytics.js';
import { ApiError } from '../../cloud/src/api/errors.js';
import { queryObject, validate } from '../../cloud/src/api/input.js';
import { cdrRequest, statsRequest, type CdrRequest, type StatsRequest } from '../../cloud/src/analytics/params.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

function parsed<T>(f: () => T): Parsed<T> {
  try {
    return { ok: true, value: f() };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, message: err.message };
    throw err;
  }
}

const query = (params: URLSearchParams | string) => queryObject(typeof params === 'string' ? new URLSearchParams(params) : params);

export const parseCdrParams = (params: URLSearchParams | string, nowMs: number): Parsed<CdrRequest> => parsed(() => cdrRequest(validate(CdrParams, query(params), 'query'), nowMs));
export const parseStatsParams = (params: URLSearchParams | string, nowMs: number): Parsed<StatsRequest> => parsed(() => statsRequest(validate(getStats.query, query(params), 'query'), nowMs));
