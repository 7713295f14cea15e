/**
 * Who the console acts as. Signed in with a tenant API key, kept in
 * sessionStorage: it lives as long as the tab, is not shared with other tabs,
 * and is gone when the tab closes. A sign-in link carries the key in the URL
 * fragment (`/console/#key=ck.…`), which browsers never send to a server nor
 * put in a Referer; the console removes it from the address bar at once.
 *
 * An agent link (`/console/#agent=<credential>`) signs the tab in as one
 * extension's agent: a second kind of session, `{ kind: 'agent', key,
 * tenantId, siteId, extension }`, its site and extension told by the cloud
 * (GET …/whoami) when it signs in; the shell (agent-shell.tsx) then shows
 * the agent toolbar only. Every request goes through one client that sends
 * `session.key`, and a 401 (the link revoked) signs the tab out.
 */

export interface TenantSession {
  kind: 'tenant';
  /** The tenant API key (`ck.<tenantId>.<keyId>.<secret>`, or an older tenant's `ck.<tenantId>.<secret>`), sent as `Authorization: Bearer`. */
  key: string;
  tenantId: string;
}

export interface AgentSession {
  kind: 'agent';
  /** The agent link's credential (`ck.<tenantId>.<keyId>.<secret>`), sent as `Authorization: Bearer`. */
  key: string;
  tenantId: string;
  siteId: string;
  extension: string;
}

export type Session = TenantSession | AgentSession;

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

/** What a sign-in link's fragment carries: `#key=<tenant key>` or `#agent=<agent link credential>`; undefined for any other fragment. */
export function signInFragment(hash: string): { key: string; agent?: true } | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const key = params.get('key');
  const agent = params.get('agent');
  return key ? { key } : agent ? { key: agent, agent: true } : undefined;
}

/** The path an agent session shows: its extension's toolbar. */
export function agentHome(s: Pick<AgentSession, 'siteId' | 'extension'>): string {
  return `/agent?${new URLSearchParams({ site: s.siteId, extension: s.extension })}`;
}

export function loadSession(storage: Pick<Storage, 'getItem'>): Session | undefined {
  try {
    const saved = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Partial<AgentSession> | Partial<TenantSession> | null;
    if (saved?.kind === 'agent') {
      const { key, siteId, extension } = saved;
      const tenantId = typeof key === 'string' ? tenantOfKey(key) : undefined;
      return tenantId && typeof siteId === 'string' && typeof extension === 'string' ? { kind: 'agent', key: key as string, tenantId, siteId, extension } : undefined;
    }
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
