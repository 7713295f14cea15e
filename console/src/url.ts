/** Query strings the console builds: values as text, empty ones left out. */

export type Query = Record<string, string | number | undefined>;

/** `path` with its query. */
export function withQuery(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
