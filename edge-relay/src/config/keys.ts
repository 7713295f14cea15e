/**
 * Every section and key api.conf may hold, spelled as documented (the box's
 * own keys as the box spells them). Reading is case-insensitive. Anything else
 * in the file is an error naming the closest known name: a typo must not
 * leave a setting silently at its default. `[ivr]` is free-form, its keys
 * being dialplan context names.
 */

import type { IniSections } from './ini.js';
import { closest } from '../../../protocol/src/cli/suggest.js';

export const CONFIG_KEYS = {
  general: ['BINDPORT', 'BINDADDR', 'URL', 'WEBKEY', 'mac', 'pop_url', 'data_dir'],
  enable: ['pausetime', 'wrapup_seconds'],
  ami: ['host', 'port', 'username', 'secret', 'auth', 'tech', 'context', 'timeout_ms'],
  cloud: ['url', 'token', 'backfill'],
  metrics: ['listen'],
  pbx: ['blacklist_family', 'monitor_dir', 'trunks', 'inbound_contexts', 'feedback_context', 'timezone', 'cdr_csv', 'queue_log'],
} as const;

/** Sections whose keys are the user's own names. */
const FREE_FORM_SECTIONS = ['ivr'] as const;

export type ConfigSection = keyof typeof CONFIG_KEYS;
/** A key of a section as the reader asks for it (lower case, as the INI parser stores it). */
export type ConfigKey<S extends ConfigSection> = Lowercase<(typeof CONFIG_KEYS)[S][number]>;

export interface UnknownSetting {
  section: string;
  key: string;
  detail: string;
}

/**
 * The first section or key the file holds that is not ours (sections in the
 * order they first appear, keys in file order).
 */
export function findUnknownSetting(ini: IniSections): UnknownSetting | undefined {
  const sections: string[] = [...Object.keys(CONFIG_KEYS), ...FREE_FORM_SECTIONS];
  for (const [section, entries] of ini) {
    if (section === '') {
      const stray = entries.values().next().value;
      if (stray) return { section: '', key: stray.key, detail: 'is outside any section (put it under [general] or the section it belongs to)' };
      continue;
    }
    if (!sections.includes(section)) {
      const hint = closest(section, sections);
      return {
        section: '',
        key: `[${section}]`,
        detail: hint ? `unknown section (did you mean [${hint}]?)` : `unknown section (known: ${sections.map((s) => `[${s}]`).join(', ')})`,
      };
    }
    if (!(section in CONFIG_KEYS)) continue;
    const keys: readonly string[] = CONFIG_KEYS[section as ConfigSection];
    for (const e of entries.values()) {
      if (keys.some((k) => k.toLowerCase() === e.key.toLowerCase())) continue;
      const hint = closest(e.key, keys);
      return { section, key: e.key, detail: hint ? `unknown key (did you mean ${hint}?)` : `unknown key (known: ${keys.join(', ')})` };
    }
  }
  return undefined;
}
