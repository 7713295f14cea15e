/**
 * AstDB: Asterisk's little key/value store, addressed as /family/key. Keys
 * are kept in one sorted map of full paths, as the SQLite table behind it
 * returns them (DBGetTree and `database show` list in key order).
 */

export class AstDb {
  private readonly entries = new Map<string, string>();

  private static path(family: string, key: string): string {
    return `/${family}/${key}`;
  }

  put(family: string, key: string, value: string): void {
    this.entries.set(AstDb.path(family, key), value);
  }

  get(family: string, key: string): string | undefined {
    return this.entries.get(AstDb.path(family, key));
  }

  has(family: string, key: string): boolean {
    return this.entries.has(AstDb.path(family, key));
  }

  /** True when the key existed. */
  del(family: string, key: string): boolean {
    return this.entries.delete(AstDb.path(family, key));
  }

  /** Delete a family (or family/key subtree); returns how many keys went. */
  delTree(family: string, key?: string): number {
    const prefix = key ? `${AstDb.path(family, key)}` : `/${family}`;
    let n = 0;
    for (const k of [...this.entries.keys()]) {
      if (k === prefix || k.startsWith(prefix + '/')) {
        this.entries.delete(k);
        n++;
      }
    }
    return n;
  }

  /** [path, value] under /family[/key], sorted by path; everything when family is empty. */
  tree(family?: string, key?: string): Array<[string, string]> {
    const prefix = family ? (key ? AstDb.path(family, key) : `/${family}`) : '';
    const out: Array<[string, string]> = [];
    for (const [k, v] of this.entries) {
      if (!prefix || k === prefix || k.startsWith(prefix + '/')) out.push([k, v]);
    }
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** A read-only copy: family → key → value. */
  snapshot(): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    for (const [path, v] of this.entries) {
      const parts = path.split('/');
      const family = parts[1];
      const key = parts.slice(2).join('/');
      (out[family] ??= {})[key] = v;
    }
    return out;
  }

  clear(): void {
    this.entries.clear();
  }
}
