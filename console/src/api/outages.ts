/** A site's outage history (README "A site's outage history"), apart from endpoints.ts like agent-links.ts. */

import type { Tenant } from './endpoints.js';
import type { Outage, SiteOutages } from './types.js';

export type { Outage, SiteOutages };

const seg = encodeURIComponent;

/** The outages of the cloud's default range: the last 7 days. */
export function siteOutages(t: Tenant, siteId: string): Promise<SiteOutages> {
  return t.api.get(`/v1/tenants/${seg(t.tenantId)}/sites/${seg(siteId)}/outages`);
}
