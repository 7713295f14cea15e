/**
 * Agent links (issue 14): a credential for one extension of one site, that
 * can do only what the agent toolbar does (api/agent-scope.ts), and the
 * who-am-I route a console session starts from. Handlers: api/agent-links.ts;
 * stored with the API keys (store/api-keys.ts).
 */

import * as v from 'valibot';
import { MAX_AGENT_LINKS, SCOPES } from '../../store/api-keys.js';
import { BODY_LIMITS } from '../body.js';
import { Name, SiteId, TenantId, Timestamp } from './fields.js';
import { KeyId } from './keys.js';
import { route } from './route.js';
import { Extension } from './stream.js';

const TAG = 'Agent links';
/** An agent link lives at most this long (a year); the default is until it is revoked. */
export const MAX_AGENT_LINK_DAYS = 365;
const Site = v.strictObject({ tenantId: TenantId, siteId: SiteId });

export const AgentLinkView = v.strictObject({
  id: KeyId,
  name: v.string(),
  siteId: SiteId,
  extension: v.string(),
  createdAt: Timestamp,
  lastUsedAt: v.pipe(v.nullable(v.string()), v.description('when it was last used (recorded at most once a minute); null if never')),
  expiresAt: v.pipe(v.nullable(Timestamp), v.description('when it stops working; null: when it is revoked')),
});

const linkExample = {
  id: 'key_5t8w2q9m3x7c1v4b',
  name: 'Eve (801)',
  siteId: 'site_7hq2m4k9x1c3v5b8',
  extension: '801',
  createdAt: '2026-11-24T09:00:00.000Z',
  lastUsedAt: null,
  expiresAt: '2027-02-22T09:00:00.000Z',
};

export const createAgentLink = route({
  id: 'createAgentLink',
  method: 'post',
  path: '/v1/tenants/{tenantId}/sites/{siteId}/agent-links',
  summary: 'Create an agent link for an extension',
  description:
    `A credential that can do only what the agent toolbar of this extension does: read the site and its live state (reduced to the extension), follow its stream, and run pause, queue login/logout, click-to-call, hang-up and transfer for the extension. Answered once with the console link that signs in with it: it is stored only as a hash, and whoever has the link acts as the agent. A tenant holds at most ${MAX_AGENT_LINKS}.`,
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin'],
  params: Site,
  body: {
    schema: v.strictObject({
      extension: Extension,
      name: v.optional(Name),
      expiresInDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_AGENT_LINK_DAYS), v.description(`1-${MAX_AGENT_LINK_DAYS}; absent: until revoked`))),
    }),
    limit: BODY_LIMITS.admin,
    example: { extension: '801', name: 'Eve (801)', expiresInDays: 90 },
  },
  success: {
    status: 201,
    description: 'the link (its credential shown this once)',
    schema: v.strictObject({
      ...AgentLinkView.entries,
      credential: v.pipe(v.string(), v.description('`ck.<tenantId>.<keyId>.<secret>`: send it as `Authorization: Bearer …`')),
      link: v.pipe(v.string(), v.description('the console signed in as this agent: `<cloud>/console/#agent=<credential>` (the fragment never reaches a server)')),
    }),
    example: { ...linkExample, credential: 'ck.ten_7hq2m4k9x1c3v5b8.key_5t8w2q9m3x7c1v4b.s3cr3t…', link: 'https://cloud.example.com/console/#agent=ck.ten_7hq2m4k9x1c3v5b8.key_5t8w2q9m3x7c1v4b.s3cr3t…' },
  },
  errors: ['limit-reached'],
});

export const listAgentLinks = route({
  id: 'listAgentLinks',
  method: 'get',
  path: '/v1/tenants/{tenantId}/sites/{siteId}/agent-links',
  summary: 'List a site\'s agent links',
  description: 'Never their credentials.',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin'],
  params: Site,
  success: { status: 200, description: 'every link of the site, oldest first', schema: v.strictObject({ data: v.array(AgentLinkView) }), example: { data: [linkExample] } },
});

export const revokeAgentLink = route({
  id: 'revokeAgentLink',
  method: 'delete',
  path: '/v1/tenants/{tenantId}/sites/{siteId}/agent-links/{linkId}',
  summary: 'Revoke an agent link',
  description: 'At once: the credential is refused on its very next request, on every instance of the cloud (a console signed in with it signs out).',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin'],
  params: v.strictObject({ tenantId: TenantId, siteId: SiteId, linkId: KeyId }),
  success: { status: 204, description: 'revoked' },
});

export const whoAmI = route({
  id: 'whoAmI',
  method: 'get',
  path: '/v1/tenants/{tenantId}/whoami',
  summary: 'What the presented key or agent link is',
  description: 'Any key of the tenant may ask: its id and scopes, and for an agent link the site and extension it acts for.',
  tag: TAG,
  auth: 'tenant',
  scopes: [...SCOPES, 'agent'],
  params: v.strictObject({ tenantId: TenantId }),
  success: {
    status: 200,
    description: 'the caller',
    schema: v.strictObject({
      tenantId: TenantId,
      keyId: KeyId,
      scopes: v.array(v.picklist([...SCOPES, 'agent'])),
      agent: v.pipe(v.nullable(v.strictObject({ siteId: SiteId, extension: v.string() })), v.description('the site and extension of an agent link; null for an API key')),
    }),
    example: { tenantId: 'ten_7hq2m4k9x1c3v5b8', keyId: 'key_5t8w2q9m3x7c1v4b', scopes: ['agent'], agent: { siteId: 'site_7hq2m4k9x1c3v5b8', extension: '801' } },
  },
});

export const AGENT_LINK_ROUTES = [createAgentLink, listAgentLinks, revokeAgentLink, whoAmI] as const;
