/**
 * The lists the console offers (console/src/api/types.ts) are the cloud's
 * own: every missCause the statistics count, every service-level threshold
 * /stats accepts, every grouping, every delivery state, every CDR filter. The
 * console cannot import the cloud (it runs in browsers); this holds the two
 * together until issue 12's OpenAPI document generates the console's types.
 */
import { describe, expect, it } from 'vitest';
import { GROUP_BYS as CLOUD_GROUP_BYS } from '../../cloud/src/analytics/aggregate.js';
import { FILTERS } from '../../cloud/src/analytics/plan.js';
import { ABANDON_KEYS, DEFAULT_SL_SECONDS as CLOUD_DEFAULT_SL, SL_BOUNDS } from '../../cloud/src/analytics/rollup.js';
import { CDR_FILTERS } from '../../console/src/api/cdr-search.js';
import { DEFAULT_SL_SECONDS, DELIVERY_STATUSES, GROUP_BYS, MISS_CAUSES, SL_SECONDS } from '../../console/src/api/types.js';
import type { DeliveryRecord } from '../../cloud/src/webhooks/deliveries.js';

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
    const states: Record<DeliveryRecord['status'], true> = { delivered: true, retrying: true, failed: true, skipped: true };
    expect([...DELIVERY_STATUSES].sort()).toEqual(Object.keys(states).sort());
  });
});
