/**
 * The cloud's agent-link endpoints (README "Agent links"), apart from
 * endpoints.ts so that the toolbar's and the links' additions do not meet:
 * a site's links (list, create, revoke) for an administrator, and who-am-I,
 * which tells an agent session its site and extension.
 */

import type { Tenant } from './endpoints.js';
import type { AgentLink, AgentLinkInput, NewAgentLink, Site, WhoAmI } from './types.js';

export type { AgentLink, NewAgentLink, WhoAmI };

const seg = encodeURIComponent;
const linksPath = (t: Tenant, siteId: string) => `/v1/tenants/${seg(t.tenantId)}/sites/${seg(siteId)}/agent-links`;

export function agentLinks(t: Tenant, siteId: string): Promise<AgentLink[]> {
  return t.api.get<{ data: AgentLink[] }>(linksPath(t, siteId)).then((r) => r.data);
}

export function createAgentLink(t: Tenant, siteId: string, input: AgentLinkInput): Promise<NewAgentLink> {
  return t.api.send('POST', linksPath(t, siteId), input);
}

export function revokeAgentLink(t: Tenant, siteId: string, id: string): Promise<void> {
  return t.api.send('DELETE', `${linksPath(t, siteId)}/${seg(id)}`);
}

export function whoAmI(t: Tenant): Promise<WhoAmI> {
  return t.api.get(`/v1/tenants/${seg(t.tenantId)}/whoami`);
}

/** One site (an agent session cannot list the tenant's). */
export function siteOf(t: Tenant, siteId: string): Promise<Site> {
  return t.api.get(`/v1/tenants/${seg(t.tenantId)}/sites/${seg(siteId)}`);
}
