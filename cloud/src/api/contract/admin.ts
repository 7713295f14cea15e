/** The admin routes: tenants, their sites and relay tokens (handlers: api/admin.ts). */

import * as v from 'valibot';
import { BODY_LIMITS } from '../body.js';
import { Name, SiteId, TenantId, text, TimeZone, Timestamp } from './fields.js';
import { route } from './route.js';

const TAG = 'Admin';
const Tenant = v.strictObject({ tenantId: TenantId });
const TenantSite = v.strictObject({ tenantId: TenantId, siteId: SiteId });

const RelayStatus = v.strictObject({
  connected: v.pipe(v.boolean(), v.description('a relay of the site is connected now')),
  since: v.pipe(v.nullable(v.string()), v.description('when it connected (ISO 8601)')),
  version: v.pipe(v.nullable(v.string()), v.description('the relay\'s version, as it said in its hello')),
  amiConnected: v.pipe(v.boolean(), v.description('the relay is logged in to Asterisk\'s AMI')),
  lastSeen: v.pipe(v.nullable(v.string()), v.description('when the relay was last heard from (ISO 8601); null: never connected')),
  offlineSince: v.pipe(v.nullable(v.string()), v.description('without a connection since (ISO 8601); null while connected')),
  lastReason: v.pipe(
    v.nullable(v.string()),
    v.description('why the relay last lost its connection, or `AMI: …` why its AMI session was down when ami.down was announced; kept once it is back'),
  ),
  popUrl: v.pipe(v.nullable(v.string()), v.description('the relay\'s `pop_url` (api.conf), as its last hello said; null: none, or not an http(s) URL template'), v.examples(['https://crm.example.com/pop?caller={caller}'])),
  wrapupSeconds: v.pipe(v.nullable(v.number()), v.description('the relay\'s after-call work in seconds (`pausetime = yes`, `wrapup_seconds`); null: none')),
});

export const SiteView = v.strictObject({
  id: SiteId,
  name: v.string(),
  createdAt: Timestamp,
  timezone: v.pipe(v.string(), v.description('the PBX\'s zone: the WEBKEY date is computed in it')),
  webkey: v.pipe(v.boolean(), v.description('the site accepts the box\'s md5(WEBKEY + date) header')),
  popUrl: v.pipe(
    v.nullable(v.string()),
    v.description('the screen-pop URL template the agent toolbar opens for a ringing call, set for the site; null: the relay\'s `relay.popUrl`'),
  ),
  relay: RelayStatus,
});

const siteExample = {
  id: 'site_7hq2m4k9x1c3v5b8',
  name: 'HQ',
  createdAt: '2026-11-24T09:00:00.000Z',
  timezone: 'Europe/Berlin',
  webkey: true,
  popUrl: null,
  relay: {
    connected: true,
    since: '2026-11-24T09:01:12.000Z',
    version: '0.1.0',
    amiConnected: true,
    lastSeen: '2026-11-24T10:30:42.000Z',
    offlineSince: null,
    lastReason: null,
    popUrl: 'https://crm.example.com/pop?caller={caller}&queue={queue}',
    wrapupSeconds: 30,
  },
};

export const createTenant = route({
  id: 'createTenant',
  method: 'post',
  path: '/v1/tenants',
  summary: 'Create a tenant',
  description: 'The operator\'s call (ADMIN_TOKEN). Answers the tenant\'s first API key once, an `admin` key named "initial": it is stored only as a hash.',
  tag: TAG,
  auth: 'admin',
  scopes: [],
  body: { schema: v.strictObject({ name: Name }), limit: BODY_LIMITS.admin, example: { name: 'Acme GmbH' } },
  success: {
    status: 201,
    description: 'the tenant and its API key (shown this once)',
    schema: v.strictObject({ id: TenantId, name: v.string(), apiKey: v.pipe(v.string(), v.description('`ck.<tenantId>.<keyId>.<secret>`, an `admin` key: send it as `Authorization: Bearer …`')) }),
    example: { id: 'ten_7hq2m4k9x1c3v5b8', name: 'Acme GmbH', apiKey: 'ck.ten_7hq2m4k9x1c3v5b8.key_3m9q2w7e5r1t8y4u.s3cr3t…' },
  },
});

export const createSite = route({
  id: 'createSite',
  method: 'post',
  path: '/v1/tenants/{tenantId}/sites',
  summary: 'Create a site',
  description: 'A PBX of the tenant. Answers the relay token once (the relay\'s `[cloud] token`): it is stored only as a hash.',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin'],
  params: Tenant,
  body: {
    schema: v.strictObject({
      name: Name,
      webkey: v.optional(text(200, 'the box\'s WEBKEY, 1-200 printable characters: lets integrations authenticate with md5(WEBKEY + date)')),
      timezone: v.optional(TimeZone),
    }),
    limit: BODY_LIMITS.admin,
    example: { name: 'HQ', webkey: 'asjdfjklkasdf', timezone: 'Europe/Berlin' },
  },
  success: {
    status: 201,
    description: 'the site and its relay token (shown this once)',
    schema: v.strictObject({ id: SiteId, name: v.string(), relayToken: v.pipe(v.string(), v.description('`rt.<siteId>.<secret>`: the relay\'s `[cloud] token`')) }),
    example: { id: 'site_7hq2m4k9x1c3v5b8', name: 'HQ', relayToken: 'rt.site_7hq2m4k9x1c3v5b8.s3cr3t…' },
  },
});

export const listSites = route({
  id: 'listSites',
  method: 'get',
  path: '/v1/tenants/{tenantId}/sites',
  summary: 'List the tenant\'s sites',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'read'],
  params: Tenant,
  success: { status: 200, description: 'every site, with its relay\'s status', schema: v.strictObject({ data: v.array(SiteView) }), example: { data: [siteExample] } },
});

export const getSite = route({
  id: 'getSite',
  method: 'get',
  path: '/v1/tenants/{tenantId}/sites/{siteId}',
  summary: 'Show a site and its relay',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin', 'read', 'agent'],
  params: TenantSite,
  success: { status: 200, description: 'the site', schema: SiteView, example: siteExample },
});

export const rotateRelayToken = route({
  id: 'rotateRelayToken',
  method: 'post',
  path: '/v1/tenants/{tenantId}/sites/{siteId}/relay-token',
  summary: 'Rotate the site\'s relay token',
  description: 'The relay holding the old token is disconnected at once and refused from then on.',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin'],
  params: TenantSite,
  success: {
    status: 200,
    description: 'the new relay token (shown this once)',
    schema: v.strictObject({ id: SiteId, relayToken: v.string() }),
    example: { id: 'site_7hq2m4k9x1c3v5b8', relayToken: 'rt.site_7hq2m4k9x1c3v5b8.n3w…' },
  },
});

export const ADMIN_ROUTES = [createTenant, createSite, listSites, getSite, rotateRelayToken] as const;
