/** The console's routes and its session: which page a URL shows, and what a sign-in keeps. */
import { describe, expect, it } from 'vitest';
import { href, parseLocation } from './router.js';
import { agentHome, clearSession, loadSession, saveSession, sessionForKey, signInFragment, tenantOfKey } from './session.js';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
  removeItem = (k: string) => void this.items.delete(k);
}

describe('console routes', () => {
  it('map each path under /console to its page', () => {
    expect(parseLocation('/console/').page).toBe('sites');
    expect(parseLocation('/console').page).toBe('sites');
    expect(parseLocation('/console/sites').page).toBe('sites');
    expect(parseLocation('/console/calls/', '?type=cc_cdr&caller=80*').query.get('caller')).toBe('80*');
    expect(parseLocation('/console/statistics').page).toBe('statistics');
    expect(parseLocation('/console/webhooks').page).toBe('webhooks');
    expect(parseLocation('/console/webhooks/wh_abc-1')).toMatchObject({ page: 'webhook', params: { id: 'wh_abc-1' } });
    expect(parseLocation('/console/wallboard').page).toBe('wallboard');
    expect(parseLocation('/console/agent').page).toBe('agent');
    expect(parseLocation('/console/sign-in').page).toBe('sign-in');
  });

  it('know nothing outside /console or of other shapes', () => {
    for (const path of ['/consoles', '/v1/tenants', '/console/webhooks/a/b', '/console/webhooks/' + 'x'.repeat(200), '/console/nope']) expect(parseLocation(path).page, path).toBe('not-found');
  });

  it('write console URLs with only the values given', () => {
    expect(href('/calls', { type: 'cc_cdr', caller: '', agent: undefined, limit: 50 })).toBe('/console/calls?type=cc_cdr&limit=50');
    expect(href('/sites')).toBe('/console/sites');
  });
});

describe('the session', () => {
  const key = 'ck.ten_abc123.0123456789abcdefghij';

  it('takes the tenant from the key, and only from a tenant key', () => {
    expect(tenantOfKey(key)).toBe('ten_abc123');
    expect(tenantOfKey(` ${key}\n`)).toBe('ten_abc123');
    // A named key (the one a tenant gets at creation) carries its key id between tenant and secret.
    expect(tenantOfKey('ck.ten_abc123.key_3m9q2w7e5r1t8y4u.0123456789abcdefghij')).toBe('ten_abc123');
    expect(tenantOfKey('ck.ten_abc123.nokeyid.0123456789abcdefghij')).toBeUndefined();
    for (const bad of ['', 'ck.ten', 'rt.site_1.0123456789abcdefghij', 'ck..0123456789abcdefghij', 'ck.ten.short', 'ck.a b.0123456789abcdefghij']) expect(tenantOfKey(bad), bad).toBeUndefined();
  });

  it('is kept in the tab’s storage until signed out', () => {
    const storage = new MemoryStorage();
    expect(loadSession(storage)).toBeUndefined();
    saveSession(storage, sessionForKey(key)!);
    expect(loadSession(storage)).toEqual({ kind: 'tenant', key, tenantId: 'ten_abc123' });
    clearSession(storage);
    expect(loadSession(storage)).toBeUndefined();
    storage.setItem('coocenter.session', '{not json');
    expect(loadSession(storage)).toBeUndefined();
  });

  it('reads a sign-in link’s key from the fragment only', () => {
    expect(signInFragment(`#key=${encodeURIComponent(key)}`)).toEqual({ key });
    expect(signInFragment('#other=1')).toBeUndefined();
    expect(signInFragment('')).toBeUndefined();
  });

  it('keeps an agent link’s session with its site and extension, and leads it to its toolbar', () => {
    const agentKey = 'ck.ten_abc123.key_3m9q2w7e5r1t8y4u.0123456789abcdefghij';
    expect(signInFragment(`#agent=${encodeURIComponent(agentKey)}`)).toEqual({ key: agentKey, agent: true });
    const storage = new MemoryStorage();
    const agent = { kind: 'agent' as const, key: agentKey, tenantId: 'ten_abc123', siteId: 'site_7hq2m4k9x1c3v5b8', extension: '801' };
    saveSession(storage, agent);
    expect(loadSession(storage)).toEqual(agent);
    // A stored agent session missing its extension (or whose key names no tenant) is no session.
    storage.setItem('coocenter.session', JSON.stringify({ ...agent, extension: undefined }));
    expect(loadSession(storage)).toBeUndefined();
    storage.setItem('coocenter.session', JSON.stringify({ ...agent, key: 'nope' }));
    expect(loadSession(storage)).toBeUndefined();
    expect(agentHome(agent)).toBe('/agent?site=site_7hq2m4k9x1c3v5b8&extension=801');
  });
});
