/**
 * The toolbar's screen pop: the ringing (or last) call's caller, queue and
 * IVR path, and the site's pop_url filled in for it, as a link; with "open
 * automatically" (remembered in this browser), the page opens it itself when
 * a call starts to ring, and says so when the browser blocked the window.
 */

import { useEffect, useRef, useState } from 'preact/hooks';
import { fillPopUrl } from '../../../protocol/src/box-api/pop-url.js';
import { popValues, QUEUE_WAIT_MS, type PopPhase, type ScreenPop } from '../agent/screen-pop.js';
import { Badge, Data, StatusNote, type Tone } from '../components/ui.js';
import { useI18n } from '../context.js';
import type { MessageId } from '../i18n/index.js';

const AUTO_OPEN_KEY = 'coocenter.agent.autoOpen';

const PHASES: Record<PopPhase, { label: MessageId; tone: Tone }> = {
  ringing: { label: 'agent.pop.ringing', tone: 'warn' },
  answered: { label: 'agent.pop.answered', tone: 'ok' },
  missed: { label: 'agent.pop.missed', tone: 'bad' },
  ended: { label: 'agent.pop.ended', tone: 'muted' },
};

export function ScreenPopCard({ pop, template }: { pop: ScreenPop | undefined; template: string | undefined }) {
  const { t } = useI18n();
  const [auto, setAuto] = useState(() => localStorage.getItem(AUTO_OPEN_KEY) === '1');
  const [blocked, setBlocked] = useState(false);
  const url = pop && template ? fillPopUrl(template, popValues(pop)) : undefined;
  const opened = useRef<string | undefined>(undefined);

  // Each call that starts to ring opens once, when asked to; a template that
  // names {queue} waits a moment for the queue (it may follow the dialbegin).
  useEffect(() => {
    if (!auto || !pop || pop.phase !== 'ringing' || !url || opened.current === pop.uniqueid) return;
    const open = () => {
      opened.current = pop.uniqueid;
      const w = window.open(url, '_blank');
      if (w) w.opener = null;
      setBlocked(!w);
    };
    if (pop.queue || !template?.includes('{queue}')) return open();
    const timer = setTimeout(open, QUEUE_WAIT_MS);
    return () => clearTimeout(timer);
  }, [auto, pop?.uniqueid, pop?.phase, url]);

  const toggle = (on: boolean) => {
    localStorage.setItem(AUTO_OPEN_KEY, on ? '1' : '0');
    setAuto(on);
    if (!on) setBlocked(false);
  };

  return (
    <section class="card agent-pop" aria-labelledby="pop-title" data-phase={pop?.phase ?? 'none'}>
      <h2 id="pop-title">{t('agent.pop')}</h2>
      <div aria-live="polite">
        {pop ? (
          <>
            <p>
              <Badge tone={PHASES[pop.phase].tone}>{t(PHASES[pop.phase].label)}</Badge>
            </p>
            <dl class="pairs">
              <dt>{t('agent.caller')}</dt>
              <dd>
                <Data class="pop-caller strong">{pop.caller}</Data>
              </dd>
              <dt>{t('agent.queue')}</dt>
              <dd>{pop.queue ? <Data class="pop-queue">{pop.queue}</Data> : t('agent.noQueue')}</dd>
              <dt>{t('agent.ivr')}</dt>
              <dd>
                {pop.ivr.length === 0 ? (
                  t('agent.noIvr')
                ) : (
                  <ol class="ivr-path">
                    {pop.ivr.map((s, i) => (
                      <li key={i}>
                        <Data>
                          {s.name || s.id}
                          {s.dtmf ? ` (${s.dtmf})` : ''}
                        </Data>
                      </li>
                    ))}
                  </ol>
                )}
              </dd>
            </dl>
          </>
        ) : (
          <p class="note-muted">{t('agent.pop.none')}</p>
        )}
      </div>
      {template ? (
        <>
          {url ? (
            <p>
              <a class="pop-link button" href={url} target="_blank" rel="noopener noreferrer">
                {t('agent.openPop')}
              </a>{' '}
              <Data class="id pop-url">{url}</Data>
            </p>
          ) : null}
          <label class="check">
            <input type="checkbox" id="pop-auto" checked={auto} onChange={(e) => toggle((e.currentTarget as HTMLInputElement).checked)} />
            {t('agent.autoOpen')}
          </label>
          {blocked ? <StatusNote tone="warn">{t('agent.popBlocked')}</StatusNote> : null}
        </>
      ) : (
        <p class="hint">{t('agent.noPopUrl')}</p>
      )}
    </section>
  );
}
