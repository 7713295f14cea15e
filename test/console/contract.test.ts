/**
 * The lists the console offers (console/src/api/types.ts) are the cloud's
 * own: every missCause the statistics count, every service-level threshold
 * /stats accepts, every grouping, every delivery state, every event type an
 * endpoint can ask for, every CDR filter. The console's types are the API
 * document's (its lists are typed against the document's unions); the lists
 * themselves are values the console cannot import from the cloud (it runs in
 * browsers), so this holds them equal, in order; and every error code the
 * cloud answers with reaches the reader in words.
 */
import { describe, expect, it } from 'vitest';
import { GROUP_BYS as CLOUD_GROUP_BYS } from '../../cloud/src/analytics/aggregate.js';
import { FILTERS } from '../../cloud/src/analytics/plan.js';
import { ABANDON_KEYS, DEFAULT_SL_SECONDS as CLOUD_DEFAULT_SL, SL_BOUNDS } from '../../cloud/src/analytics/rollup.js';
import { CDR_FILTERS } from '../../console/src/api/cdr-search.js';
import { DEFAULT_SL_SECONDS, DELIVERY_STATUSES, GROUP_BYS, MISS_CAUSES, SL_SECONDS, WEBHOOK_EVENT_TYPES } from '../../console/src/api/types.js';
import { DELIVERY_STATUSES as CLOUD_DELIVERY_STATUSES } from '../../cloud/src/webhooks/deliveries.js';
import { TENANT_EVENT_TYPES } from '../../cloud/src/operational/types.js';
import { API_ERROR_CODES, API_ERRORS, apiError, type ApiErrorCode } from '../../cloud/src/api/errors.js';
import { ApiFailure, apiClient } from '../../console/src/api/client.js';
import { failureText } from '../../console/src/failure.js';

describe('what the console offers is what the cloud takes', () => {
  it('statistics: reasons, thresholds, groupings', () => {
    expect([...MISS_CAUSES]).toEqual([...ABANDON_KEYS]);
    expect([...SL_SECONDS]).toEqual([...SL_BOUNDS]);
    expect(DEFAULT_SL_SECONDS).toBe(CLOUD_DEFAULT_SL);
    expect([...GROUP_BYS]).toEqual([...CLOUD_GROUP_BYS]);
  });

  it('CDR search: the same filters', () => {
    expect([...CDR_FILTERS].sort()).toEqual([...FILTERS].sort());
  });

  it('deliveries: every state the cloud records', () => {
    expect([...DELIVERY_STATUSES]).toEqual([...CLOUD_DELIVERY_STATUSES]);
  });

  it('webhook endpoints: every event type the cloud sends, box events first', () => {
    expect([...WEBHOOK_EVENT_TYPES]).toEqual([...TENANT_EVENT_TYPES]);
  });
});

describe('the cloud’s refusals, as the console words them', () => {
  const refusal = (code: ApiErrorCode) => {
    const err = apiError(code, `the cloud's own words for ${code}`);
    return new Response(JSON.stringify(err.toBody()), { status: err.status, headers: { 'content-type': 'application/json' } });
  };

  it('reads every code the cloud answers with, and says each in the reader’s words with the cloud’s message beside it', async () => {
    const signedOut: string[] = [];
    for (const code of API_ERROR_CODES) {
      const api = apiClient('ck.ten_a.secret', () => signedOut.push(code), async () => refusal(code));
      const failure = await api.get('/v1/tenants/ten_a/sites').then(() => undefined, (err: unknown) => err);
      expect(failure, code).toBeInstanceOf(ApiFailure);
      expect(failure, code).toMatchObject({ status: API_ERRORS[code].status, code, message: `the cloud's own words for ${code}` });
      const { summary, detail } = failureText(failure, (id) => id);
      expect(detail, code).toBe(`the cloud's own words for ${code}`);
      // Only our own fault is "something went wrong": everything else tells the reader what happened.
      expect(summary === 'error.unexpected', code).toBe(code === 'internal');
    }
    expect(signedOut).toEqual(['unauthorized']);
  });

  it('tells a lost command (it may have run) apart from an offline relay, and a starting cloud from both', async () => {
    const said = async (code: ApiErrorCode) => failureText(await apiClient('k', () => undefined, async () => refusal(code)).get('/v1/x').catch((e: unknown) => e), (id) => id).summary;
    const summaries = await Promise.all((['relay-offline', 'relay-disconnected', 'starting'] as const).map(said));
    expect(new Set(summaries).size).toBe(3);
  });

  it('words a page that is not the cloud’s (a proxy’s 502) by its status, with its text', async () => {
    const api = apiClient('k', () => undefined, async () => new Response('<html>Bad Gateway</html>', { status: 502 }));
    const failure = await api.get('/v1/x').catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 502, code: undefined });
    expect(failureText(failure, (id) => id)).toEqual({ summary: 'error.relay', detail: '<html>Bad Gateway</html>' });
  });
});
