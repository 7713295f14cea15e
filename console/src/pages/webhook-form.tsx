/**
 * An endpoint's settings, for creating one and for changing it: the URL, the
 * event types it wants and the sites it hears from (none ticked: all), and
 * whether one call's events arrive in order.
 */

import { useState } from 'preact/hooks';
import { WEBHOOK_EVENT_TYPES, type WebhookInput } from '../api/types.js';
import { Data, Field } from '../components/ui.js';
import { useConsole, useI18n } from '../context.js';

export const NEW_WEBHOOK: WebhookInput = { url: '', events: null, siteIds: null, ordered: false };

/** A list of ticked values, or null when none is ticked (the API's "all"). */
function toggled<T extends string>(list: T[] | null, value: T, on: boolean): T[] | null {
  const next = new Set(list ?? []);
  if (on) next.add(value);
  else next.delete(value);
  return next.size === 0 ? null : [...next];
}

export function WebhookForm({ id, initial, submitLabel, busy, onSubmit }: { id: string; initial: WebhookInput; submitLabel: string; busy: boolean; onSubmit(v: WebhookInput): void }) {
  const { t } = useI18n();
  const { sites } = useConsole();
  const [v, setV] = useState<WebhookInput>(initial);
  return (
    <form
      class="webhook-form"
      id={id}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(v);
      }}
    >
      <Field id={`${id}-url`} label={t('webhooks.url')} hint={t('webhooks.urlHint')}>
        <input
          id={`${id}-url`}
          name="url"
          type="url"
          required
          inputMode="url"
          autocomplete="off"
          aria-describedby={`${id}-url-hint`}
          value={v.url}
          onInput={(e) => setV({ ...v, url: (e.currentTarget as HTMLInputElement).value })}
        />
      </Field>
      <fieldset class="choices">
        <legend>{t('webhooks.events')}</legend>
        <p class="hint">{t('webhooks.noneIsAll')}</p>
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <label key={type} class="check">
            <input type="checkbox" name="events" value={type} checked={v.events?.includes(type) ?? false} onChange={(e) => setV({ ...v, events: toggled(v.events, type, (e.currentTarget as HTMLInputElement).checked) })} />
            <Data>{type}</Data>
          </label>
        ))}
      </fieldset>
      <fieldset class="choices">
        <legend>{t('webhooks.sites')}</legend>
        <p class="hint">{t('webhooks.noneIsAll')}</p>
        {(sites ?? []).map((site) => (
          <label key={site.id} class="check">
            <input type="checkbox" name="siteIds" value={site.id} checked={v.siteIds?.includes(site.id) ?? false} onChange={(e) => setV({ ...v, siteIds: toggled(v.siteIds, site.id, (e.currentTarget as HTMLInputElement).checked) })} />
            <Data>{site.name}</Data>
          </label>
        ))}
      </fieldset>
      <label class="check">
        <input type="checkbox" name="ordered" checked={v.ordered} onChange={(e) => setV({ ...v, ordered: (e.currentTarget as HTMLInputElement).checked })} />
        {t('webhooks.ordered')}
      </label>
      <div class="form-actions">
        <button type="submit" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

/** A secret shown once (after creating an endpoint or rotating its secret, or an agent link), selectable for copying. */
export function SecretOnce({ secret, note, label, id = 'secret-value' }: { secret: string; note: string; label?: string; id?: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <div class="card secret" role="status">
      <p>{note}</p>
      <Field id={id} label={label ?? t('webhooks.secret')}>
        <input id={id} type="text" readOnly value={secret} translate={false} onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
      </Field>
      <button
        type="button"
        class="secondary"
        onClick={() =>
          void navigator.clipboard?.writeText(secret).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? t('webhooks.copied') : t('webhooks.copy')}
      </button>
    </div>
  );
}
