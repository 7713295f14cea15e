/**
 * The forms whose choices go into the page's URL (the call search, the
 * statistics): their fields' state, the site choice they share, and the form
 * itself, which navigates to its query on submit (Enter in any field).
 */

import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useConsole, useI18n } from '../context.js';
import { href, navigate } from '../router.js';
import type { Query } from '../url.js';
import { Field } from './ui.js';

/**
 * A form's values and a change handler per field; `numbers` are read as
 * numbers, and `alsoOnChange` may reset other fields when one changes.
 */
export function useFields<T extends object>(initial: T, numbers: ReadonlyArray<keyof T>, alsoOnChange?: (name: keyof T) => Partial<T>) {
  const [values, setValues] = useState<T>(initial);
  const on = (name: keyof T) => (e: Event) => {
    const v = (e.currentTarget as HTMLInputElement | HTMLSelectElement).value;
    setValues((prev) => ({ ...prev, [name]: numbers.includes(name) ? Number(v) : v, ...alsoOnChange?.(name) }));
  };
  return { values, setValues, on };
}

/** One site, or all of them (''). */
export function SiteField({ id, value, onChange }: { id: string; value: string; onChange(e: Event): void }) {
  const { t } = useI18n();
  const { sites } = useConsole();
  return (
    <Field id={id} label={t('common.site')}>
      <select id={id} name="siteId" value={value} onChange={onChange}>
        <option value="">{t('common.allSites')}</option>
        {(sites ?? []).map((site) => (
          <option key={site.id} value={site.id} translate={false}>
            {site.name}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function QueryForm({ label, search, path, query, submitLabel, onReset, children }: { label: string; search?: boolean; path: string; query(): Query; submitLabel: string; onReset(): void; children: ComponentChildren }) {
  const { t } = useI18n();
  return (
    <form
      class="card form-grid"
      role={search ? 'search' : undefined}
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        navigate(href(path, query()));
      }}
    >
      {children}
      <div class="form-actions">
        <button type="submit">{submitLabel}</button>
        <button type="button" class="secondary" onClick={onReset}>
          {t('common.reset')}
        </button>
      </div>
    </form>
  );
}
