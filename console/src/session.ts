/**
 * Who the console acts as. Signed in with a tenant API key, kept in
 * sessionStorage: it lives as long as the tab, is not shared with other tabs,
 * and is gone when the tab closes. A sign-in link carries the key in the URL
 * fragment (`/console/#key=ck.…`), which browsers never send to a server nor
 * put in a Referer; the console removes it from the address bar at once.
 *
 * Seam for agent links (issue 12's scoped keys): a second kind of session,
 * `{ kind: 'agent', key, tenantId, siteId, extension }`, read from an
 * `#agent=<credential>` fragment by signInFragment, for which the shell
 * (app.tsx, SignedIn) shows the agent toolbar page only. Nothing else changes:
 * every request already goes through one client that sends `session.key`.
 */

export interface TenantSession {
  kind: 'tenant';
  /** The tenant API key (`ck.<tenantId>.<keyId>.<secret>`, or an older tenant's `ck.<tenantId>.<secret>`), sent as `Authorization: Bearer`. */
  key: string;
  tenantId: string;
}

export type Session = TenantSession;

const STORAGE_KEY = 'coocenter.session';

/** The tenant a key belongs to: keys carry it (`ck.<tenantId>.<keyId>.<secret>`, older ones `ck.<tenantId>.<secret>`); undefined when the text is not such a key. */
export function tenantOfKey(key: string): string | undefined {
  const parts = key.trim().split('.');
  if (parts.length === 4 && !/^key_[a-z0-9]{16}$/.test(parts[2])) return undefined;
  const secret = parts[parts.length - 1];
  if ((parts.length !== 3 && parts.length !== 4) || parts[0] !== 'ck' || !/^[A-Za-z0-9_-]{1,128}$/.test(parts[1]) || secret.length < 16) return undefined;
  return parts[1];
}

export function sessionForKey(key: string): Session | undefined {
  const tenantId = tenantOfKey(key);
  return tenantId ? { kind: 'tenant', key: key.trim(), tenantId } : undefined;
}

/** What a sign-in link's fragment carries: `#key=<tenant key>`; undefined for any other fragment. */
export function signInFragment(hash: string): { key: string } | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const key = params.get('key');
  return key ? { key } : undefined;
}

export function loadSession(storage: Pick<Storage, 'getItem'>): Session | undefined {
  try {
    const saved = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Partial<Session> | null;
    return saved?.kind === 'tenant' && typeof saved.key === 'string' ? sessionForKey(saved.key) : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(storage: Pick<Storage, 'setItem'>, session: Session): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession(storage: Pick<Storage, 'removeItem'>): void {
  storage.removeItem(STORAGE_KEY);
}
