/**
 * Tenants and sites after their creation: the operator's list of tenants, a
 * tenant's CORS origins, renaming and deleting a site (handlers:
 * api/lifecycle.ts).
 */

import * as v from 'valibot';
import { BODY_LIMITS } from '../body.js';
import { SiteView } from './admin.js';
import { Name, NextCursor, queryInteger, SiteId, TenantId, text, TimeZone, Timestamp } from './fields.js';
import { route } from './route.js';
import { MAX_POP_URL_CHARS, POP_URL_PLACEHOLDERS, popUrlProblem } from '../../../../protocol/src/box-api/pop-url.js';

const TAG = 'Admin';

/** At most this many origins per tenant: a list a person keeps, not a wildcard by enumeration. */
export const MAX_CORS_ORIGINS = 20;
export const DEFAULT_TENANTS_PAGE = 50;

/** An exact browser origin: `https://crm.example.com` or `http://localhost:5173`, no path, no wildcard. */
export const Origin = v.pipe(
  v.string(),
  v.maxLength(200),
  v.check((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === s;
    } catch {
      return false;
    }
  }, 'an exact origin: scheme, host and port only, such as https://crm.example.com (no path, no trailing slash, no wildcard)'),
  v.description('an exact origin: https://crm.example.com'),
);

const TenantView = v.strictObject({
  id: TenantId,
  name: v.string(),
  createdAt: Timestamp,
  corsOrigins: v.pipe(v.array(v.string()), v.description('browser origins allowed to call the tenant\'s API')),
});

export const listTenants = route({
  id: 'listTenants',
  method: 'get',
  path: '/v1/tenants',
  summary: 'List the tenants',
  description: 'The operator\'s call (ADMIN_TOKEN), by tenant id, a page at a time.',
  tag: TAG,
  auth: 'admin',
  scopes: [],
  query: v.strictObject({
    limit: v.optional(queryInteger(1, 200, `tenants per page (default ${DEFAULT_TENANTS_PAGE})`)),
    cursor: v.optional(TenantId),
  }),
  success: {
    status: 200,
    description: 'a page of tenants',
    schema: v.strictObject({ data: v.array(v.strictObject({ id: TenantId, name: v.string(), createdAt: Timestamp })), next: NextCursor }),
    example: { data: [{ id: 'ten_7hq2m4k9x1c3v5b8', name: 'Acme GmbH', createdAt: '2026-11-24T09:00:00.000Z' }], next: null },
  },
});

export const updateTenant = route({
  id: 'updateTenant',
  method: 'patch',
  path: '/v1/tenants/{tenantId}',
  summary: 'Set the tenant\'s CORS origins',
  description: `The browser origins allowed to call the tenant's API (its /v1 routes and its sites' box API), exactly, at most ${MAX_CORS_ORIGINS}. Their preflights are answered before authentication; other origins get no CORS headers.`,
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin'],
  params: v.strictObject({ tenantId: TenantId }),
  body: {
    schema: v.strictObject({ corsOrigins: v.pipe(v.array(Origin), v.maxLength(MAX_CORS_ORIGINS, `at most ${MAX_CORS_ORIGINS} origins`)) }),
    limit: BODY_LIMITS.admin,
    example: { corsOrigins: ['https://crm.example.com'] },
  },
  success: {
    status: 200,
    description: 'the tenant',
    schema: TenantView,
    example: { id: 'ten_7hq2m4k9x1c3v5b8', name: 'Acme GmbH', createdAt: '2026-11-24T09:00:00.000Z', corsOrigins: ['https://crm.example.com'] },
  },
});

const TenantSite = v.strictObject({ tenantId: TenantId, siteId: SiteId });

/** The site's screen-pop URL template (protocol/src/box-api/pop-url.ts). */
export const PopUrlTemplate = v.pipe(
  v.string(),
  v.maxLength(MAX_POP_URL_CHARS),
  v.check((s) => popUrlProblem(s) === undefined, (issue) => popUrlProblem(issue.input as string) ?? 'invalid'),
  v.description(
    `an http or https URL of at most ${MAX_POP_URL_CHARS} characters in which the agent toolbar substitutes ${POP_URL_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')} (URL-encoded) for the ringing call; null: the relay's pop_url`,
  ),
  v.examples(['https://crm.example.com/pop?caller={caller}&queue={queue}']),
);

export const updateSite = route({
  id: 'updateSite',
  method: 'patch',
  path: '/v1/tenants/{tenantId}/sites/{siteId}',
  summary: 'Rename a site, change its time zone, WEBKEY or screen-pop URL',
  description:
    'Only the fields sent change; `"webkey": null` removes the WEBKEY (the box\'s md5 header is then refused); `"popUrl": null` goes back to the relay\'s `pop_url`. Other instances of the cloud see a new WEBKEY or zone within 30 s.',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin'],
  params: TenantSite,
  body: {
    schema: v.strictObject({
      name: v.optional(Name),
      timezone: v.optional(TimeZone),
      webkey: v.optional(v.nullable(text(200, 'the box\'s WEBKEY, 1-200 printable characters; null removes it'))),
      popUrl: v.optional(v.nullable(PopUrlTemplate)),
    }),
    limit: BODY_LIMITS.admin,
    example: { name: 'HQ Berlin', timezone: 'Europe/Berlin', popUrl: 'https://crm.example.com/pop?caller={caller}&called={called}&call={uniqueid}&queue={queue}' },
  },
  success: { status: 200, description: 'the site', schema: SiteView },
});

export const deleteSite = route({
  id: 'deleteSite',
  method: 'delete',
  path: '/v1/tenants/{tenantId}/sites/{siteId}',
  summary: 'Delete a site',
  description: 'Its relay is disconnected at once (close 4003, "site deleted") and its token refused from then on; its box API answers 404. Its stored events and CDRs are not erased at once: they expire by the retention rules.',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin'],
  params: TenantSite,
  success: { status: 204, description: 'deleted' },
});

export const LIFECYCLE_ROUTES = [listTenants, updateTenant, updateSite, deleteSite] as const;
