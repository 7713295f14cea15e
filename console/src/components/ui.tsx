/**
 * The console's small building blocks. Every control has a visible label;
 * messages that appear after an action are announced (role=status, or alert
 * for failures). Data from the cloud or the PBX (names, numbers, ids, the
 * cloud's own messages) is marked translate="no": it is not the UI's text,
 * and a browser's page translation must not touch it either.
 */

import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { useI18n } from '../context.js';
import { failureText } from '../failure.js';
import type { MessageId } from '../i18n/index.js';
import { href, navigate } from '../router.js';

/** A page: its heading (the document's title too) and content. */
export function Page({ title, actions, children }: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  useEffect(() => {
    document.title = `${title} · coocenter`;
  }, [title]);
  return (
    <section class="page">
      <header class="page-head">
        <h1 tabIndex={-1}>{title}</h1>
        {actions ? <div class="page-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

/** Text that comes from the data, never translated. */
export function Data({ children, class: cls }: { children: ComponentChildren; class?: string }) {
  return (
    <span translate={false} class={cls}>
      {children}
    </span>
  );
}

/**
 * A message whose parameters are elements (data shown as <Data>, so that a
 * site's zone or a URL inside a sentence stays untranslated): `{name}` in the
 * message is replaced by `params[name]`.
 */
export function Msg({ id, params }: { id: MessageId; params: Record<string, ComponentChildren> }) {
  const { t } = useI18n();
  const parts = t(id).split(/\{(\w+)\}/);
  return <>{parts.map((part, i) => (i % 2 === 1 ? (params[part] ?? `{${part}}`) : part))}</>;
}

/** A link inside the console (no reload; modified clicks open tabs as usual). */
export function Link({ to, children, current, class: cls, translate }: { to: string; children: ComponentChildren; current?: boolean; class?: string; translate?: boolean }) {
  const url = to.startsWith('/console') ? to : href(to);
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(url);
  };
  return (
    <a class={cls} translate={translate} href={url} onClick={onClick} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}

/** A labelled control: the label above, an optional hint below (tied with aria-describedby). */
export function Field({ id, label, hint, children }: { id: string; label: string; hint?: ComponentChildren; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {hint ? (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      ) : null}
    </div>
  );
}

export type Tone = 'ok' | 'bad' | 'warn' | 'muted';

/** A state in words and colour (never colour alone). */
export function Badge({ tone, children }: { tone: Tone; children: ComponentChildren }) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const { summary, detail } = failureText(error, t);
  return (
    <p class="note note-bad" role="alert">
      {summary}
      {detail ? (
        <>
          {' '}
          <Data class="detail">({detail})</Data>
        </>
      ) : null}
    </p>
  );
}

/** A result or progress message, read out when it appears. */
export function StatusNote({ children, tone = 'ok' }: { children: ComponentChildren; tone?: Tone }) {
  return (
    <p class={`note note-${tone}`} role="status">
      {children}
    </p>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p class="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

/** A table in a region that scrolls sideways on narrow screens (focusable, so keyboard users can scroll it too). */
export function TableRegion({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** Save a blob under a name, as a download (CSV exports). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once started; give it a moment before letting go.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
