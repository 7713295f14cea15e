/**
 * The toolbar's controls: its queues (置忙/置閑 in each, the after-call
 * countdown, log in and out) and its calls (click-to-call, hang up,
 * transfer). Every command goes to the box API of the site; the live state
 * then shows what the PBX did (nothing here pretends it happened).
 */

import { useState } from 'preact/hooks';
import { FIELD_SHAPES } from '../../../protocol/src/box-api/fields.js';
import type { LiveState } from '../../../protocol/src/live/state.js';
import { clock, membershipsOf, queueNames, wrapupLeft } from '../agent/extension.js';
import type { CommandState } from '../agent/use-command.js';
import type { SiteBox } from '../api/box-commands.js';
import { Badge, Data, ErrorNote, Field, StatusNote, TableRegion } from '../components/ui.js';
import { useI18n } from '../context.js';

type Run = (key: string, command: () => Promise<unknown>) => Promise<boolean>;

export function CommandNote({ state }: { state: CommandState }) {
  const { t } = useI18n();
  if (state.error) return <ErrorNote error={state.error} />;
  if (state.done) return <StatusNote>{t('agent.sent')}</StatusNote>;
  return null;
}

export function QueuesCard(p: { state: LiveState; extension: string; box: SiteBox; wrapupSeconds: number | null | undefined; now: number; command: CommandState; run: Run }) {
  const { t } = useI18n();
  const mine = membershipsOf(p.state, p.extension);
  const others = queueNames(p.state).filter((q) => !mine.some((m) => m.queue === q));
  const busy = p.command.busy !== undefined;
  return (
    <section class="card" aria-labelledby="queues-title">
      <h2 id="queues-title">{t('agent.queues')}</h2>
      {mine.length === 0 && others.length === 0 ? <p class="note-muted">{t('agent.noQueues')}</p> : null}
      {mine.length > 0 ? (
        <TableRegion label={t('agent.queues')}>
          <table class="data agent-queues">
            <thead>
              <tr>
                <th scope="col">{t('agent.queue')}</th>
                <th scope="col">{t('agent.state')}</th>
                <th scope="col">{t('agent.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {mine.map(({ queue, member }) => {
                const left = wrapupLeft(member, p.wrapupSeconds, p.now);
                return (
                  <tr key={queue} data-queue={queue} data-paused={member.paused ? '1' : '0'}>
                    <th scope="row">
                      <Data>{queue}</Data>
                    </th>
                    <td>
                      {member.paused ? <Badge tone="warn">{t('agent.paused')}</Badge> : <Badge tone="ok">{t('agent.available')}</Badge>}
                      {member.paused && member.pausedReason && left === undefined ? (
                        <>
                          {' '}
                          <Data class="detail">{member.pausedReason}</Data>
                        </>
                      ) : null}
                      {left !== undefined ? (
                        <div class="countdown" role="timer" aria-live="off">
                          {t('agent.wrapup', { left: clock(left) })}
                        </div>
                      ) : null}
                    </td>
                    <td>
                      <div class="actions">
                        <button
                          type="button"
                          class={member.paused ? undefined : 'secondary'}
                          disabled={busy}
                          aria-label={t(member.paused ? 'agent.unpauseIn' : 'agent.pauseIn', { queue })}
                          onClick={() => void p.run(`pause:${queue}`, () => p.box.pause(queue, p.extension, !member.paused))}
                        >
                          {t(member.paused ? 'agent.unpause' : 'agent.pause')}
                        </button>
                        <button type="button" class="secondary" disabled={busy} aria-label={t('agent.logoutOf', { queue })} onClick={() => void p.run(`logout:${queue}`, () => p.box.logout(queue, p.extension))}>
                          {t('agent.logout')}
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableRegion>
      ) : null}
      {others.length > 0 ? (
        <div class="toolbar">
          <span>{t('agent.notMember')}</span>
          {others.map((queue) => (
            <button key={queue} type="button" class="secondary" disabled={busy} data-login={queue} aria-label={t('agent.loginTo', { queue })} onClick={() => void p.run(`login:${queue}`, () => p.box.login(queue, p.extension))}>
              {t('agent.login')} <Data>{queue}</Data>
            </button>
          ))}
        </div>
      ) : null}
    </section>
  );
}

/** A number as the box takes it (the box API's own shape: digits, * and #, a leading +, at most 79). */
const NUMBER = FIELD_SHAPES.number.pattern.source;

export function CallsCard(p: { extension: string; box: SiteBox; inCall: boolean; command: CommandState; run: Run }) {
  const { t } = useI18n();
  const [dial, setDial] = useState('');
  const [to, setTo] = useState('');
  const busy = p.command.busy !== undefined;
  const submit = (e: Event, key: string, command: () => Promise<unknown>, clear: () => void) => {
    e.preventDefault();
    void p.run(key, command).then((ok) => ok && clear());
  };
  return (
    <section class="card" aria-labelledby="calls-title">
      <h2 id="calls-title">{t('agent.calls')}</h2>
      <div class="toolbar">
        <button type="button" class="danger" id="agent-hangup" disabled={busy || !p.inCall} onClick={() => void p.run('hangup', () => p.box.hangup(p.extension))}>
          {t('agent.hangup')}
        </button>
      </div>
      <form class="inline-form" onSubmit={(e) => submit(e, 'dial', () => p.box.call(p.extension, dial.trim()), () => setDial(''))}>
        <Field id="agent-dial" label={t('agent.number')}>
          <input id="agent-dial" type="tel" inputMode="tel" autoComplete="off" required pattern={NUMBER} value={dial} onInput={(e) => setDial((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <button type="submit" disabled={busy}>
          {t('agent.dial')}
        </button>
      </form>
      <form class="inline-form" onSubmit={(e) => submit(e, 'transfer', () => p.box.transfer(p.extension, to.trim()), () => setTo(''))}>
        <Field id="agent-transfer" label={t('agent.transferTo')}>
          <input id="agent-transfer" type="tel" inputMode="tel" autoComplete="off" required pattern={NUMBER} value={to} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <button type="submit" class="secondary" disabled={busy || !p.inCall}>
          {t('agent.transfer')}
        </button>
      </form>
    </section>
  );
}
