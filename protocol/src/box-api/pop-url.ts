/**
 * The screen-pop URL template (the box's `[general] pop_url`, or a site's own
 * `popUrl`): an http or https URL in which the agent toolbar substitutes
 * `{caller}`, `{called}`, `{uniqueid}` and `{queue}` for the ringing call,
 * each value URL-encoded. Declared once for the cloud, which refuses a bad
 * template when a tenant sets one, and the console, which fills it in and
 * opens only what comes out as http or https.
 */

export const POP_URL_PLACEHOLDERS = ['caller', 'called', 'uniqueid', 'queue'] as const;
export type PopUrlPlaceholder = (typeof POP_URL_PLACEHOLDERS)[number];
export type PopUrlValues = Partial<Record<PopUrlPlaceholder, string>>;

/** Longest template, and longest filled URL (what browsers and servers take without trouble). */
export const MAX_POP_URL_CHARS = 2048;

const PLACEHOLDER = /\{([^{}]*)\}/g;

function httpUrl(text: string): boolean {
  if (text.length > MAX_POP_URL_CHARS || /[\s\x00-\x1f\x7f]/.test(text)) return false;
  try {
    const u = new URL(text);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** What is wrong with a template, in the words of a 400; undefined when it is fine. */
export function popUrlProblem(template: string): string | undefined {
  if (template.length > MAX_POP_URL_CHARS) return `at most ${MAX_POP_URL_CHARS} characters`;
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (!(POP_URL_PLACEHOLDERS as readonly string[]).includes(name)) return `unknown placeholder {${name}}: use ${POP_URL_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`;
  }
  if (!httpUrl(fill(template, { caller: '0', called: '0', uniqueid: '0', queue: '0' }))) return 'an http or https URL, such as https://crm.example.com/pop?caller={caller}';
  return undefined;
}

function fill(template: string, values: PopUrlValues): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    (POP_URL_PLACEHOLDERS as readonly string[]).includes(name) ? encodeURIComponent(values[name as PopUrlPlaceholder] ?? '') : whole,
  );
}

/**
 * The template filled in for one call: each placeholder replaced by its value,
 * URL-encoded (empty when the call has none). Undefined when the template is
 * not valid or what comes out is not an http(s) URL: the toolbar never opens
 * a `javascript:` or `data:` address, whoever wrote the template.
 */
export function fillPopUrl(template: string, values: PopUrlValues): string | undefined {
  if (popUrlProblem(template)) return undefined;
  const url = fill(template, values);
  return httpUrl(url) ? url : undefined;
}
