/** A tenant's named API keys and their scopes (handlers: api/keys.ts; the store: store/api-keys.ts). */

import * as v from 'valibot';
import { MAX_KEYS, SCOPES } from '../../store/api-keys.js';
import { BODY_LIMITS } from '../body.js';
import { id, Name, TenantId, Timestamp } from './fields.js';
import { route } from './route.js';

const TAG = 'API keys';
export const KeyId = id('key');
const Tenant = v.strictObject({ tenantId: TenantId });

const Scopes = v.pipe(
  v.array(v.picklist(SCOPES)),
  v.minLength(1, `one or more of ${SCOPES.join(', ')}`),
  v.maxLength(SCOPES.length, `one or more of ${SCOPES.join(', ')}`),
  v.description(
    'what the key may do: `admin` everything (keys included), `calls` the box API\'s write commands, `read` the box API\'s reads, recordings, CDRs and statistics, `webhooks` the webhook endpoints',
  ),
);

export const ApiKeyView = v.strictObject({
  id: KeyId,
  name: v.string(),
  scopes: v.array(v.picklist(SCOPES)),
  createdAt: Timestamp,
  lastUsedAt: v.pipe(v.nullable(v.string()), v.description('when the key was last used (ISO 8601; recorded at most once a minute); null if never')),
});

const keyExample = { id: 'key_3m9q2w7e5r1t8y4u', name: 'analytics dashboard', scopes: ['read' as const], createdAt: '2026-11-24T09:00:00.000Z', lastUsedAt: null };

export const createApiKey = route({
  id: 'createApiKey',
  method: 'post',
  path: '/v1/tenants/{tenantId}/api-keys',
  summary: 'Create an API key',
  description: `A named key with its scopes. Answers the key once: it is stored only as a hash. A tenant holds at most ${MAX_KEYS} keys.`,
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin'],
  params: Tenant,
  body: { schema: v.strictObject({ name: Name, scopes: Scopes }), limit: BODY_LIMITS.admin, example: { name: 'analytics dashboard', scopes: ['read'] } },
  success: {
    status: 201,
    description: 'the key (its secret shown this once)',
    schema: v.strictObject({ ...ApiKeyView.entries, key: v.pipe(v.string(), v.description('`ck.<tenantId>.<keyId>.<secret>`: send it as `Authorization: Bearer …`')) }),
    example: { ...keyExample, key: 'ck.ten_7hq2m4k9x1c3v5b8.key_3m9q2w7e5r1t8y4u.s3cr3t…' },
  },
  errors: ['limit-reached'],
});

export const listApiKeys = route({
  id: 'listApiKeys',
  method: 'get',
  path: '/v1/tenants/{tenantId}/api-keys',
  summary: 'List the tenant\'s API keys',
  description: 'Never their secrets. A tenant created before keys had names lists its first key as `key_legacy0000000000`.',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin'],
  params: Tenant,
  success: { status: 200, description: 'every key, oldest first', schema: v.strictObject({ data: v.array(ApiKeyView) }), example: { data: [keyExample] } },
});

export const revokeApiKey = route({
  id: 'revokeApiKey',
  method: 'delete',
  path: '/v1/tenants/{tenantId}/api-keys/{keyId}',
  summary: 'Revoke an API key',
  description: 'At once: the key is refused on the very next request, on every instance of the cloud.',
  tag: TAG,
  auth: 'tenant',
  scopes: ['admin'],
  params: v.strictObject({ tenantId: TenantId, keyId: KeyId }),
  success: { status: 204, description: 'revoked' },
});

export const KEY_ROUTES = [createApiKey, listApiKeys, revokeApiKey] as const;
