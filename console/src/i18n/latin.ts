/**
 * What may stay in Latin letters in the Chinese UI: names of protocols,
 * formats and products, and the API key's prefix. Used by the catalog test
 * and by the browser test that walks every page in Chinese; the console
 * itself does not load this.
 */

export const LATIN_ALLOWED: readonly string[] = ['AMI', 'API', 'CSV', 'Webhook', 'cc_cdr', 'cdr', 'https', 'ck', 'coocenter', 'pop_url'];

/** The Latin words of a text that are not allowed (message parameters `{name}` taken out first). */
export function latinWords(text: string): string[] {
  const words = text.replace(/\{\w+\}/g, ' ').match(/[A-Za-z][A-Za-z_]*/g) ?? [];
  return words.filter((w) => !LATIN_ALLOWED.includes(w));
}
