/**
 * The wallboard's panels for one site's live state: extensions as a grid by
 * status (each tile says its status in words; the legend names the colours),
 * calls in progress with their running durations, and each queue with its
 * members and waiting callers. `now` is the page's one ticking clock.
 */

import type { LiveCall, LiveQueue, LiveState } from '../../../protocol/src/live/state.js';
import { Data, Msg, TableRegion } from '../components/ui.js';
import { useI18n } from '../context.js';
import type { MessageId } from '../i18n/index.js';
import {
  callersInOrder,
  callsInOrder,
  clock,
  EXTENSION_KINDS,
  extensionKind,
  extensionsInOrder,
  memberExtension,
  memberKind,
  membersInOrder,
  queuesInOrder,
  secondsSince,
  type ExtensionKind,
  type MemberKind,
} from './wallboard-data.js';

const EXTENSION_LABEL: Record<ExtensionKind, MessageId> = {
  ringing: 'wall.ext.ringing',
  onHold: 'wall.ext.onHold',
  busy: 'wall.ext.busy',
  inUse: 'wall.ext.inUse',
  idle: 'wall.ext.idle',
  unavailable: 'wall.ext.unavailable',
  unknown: 'wall.ext.unknown',
};

const CALL_LABEL: Record<LiveCall['state'], MessageId> = { ringing: 'wall.call.ringing', queued: 'wall.call.queued', up: 'wall.call.up', dialing: 'wall.call.dialing' };

const MEMBER_LABEL: Record<MemberKind, MessageId> = { inCall: 'wall.member.inCall', paused: 'wall.member.paused', unavailable: 'wall.member.unavailable', ready: 'wall.member.ready' };

export function ExtensionsPanel({ state }: { state: LiveState }) {
  const { t } = useI18n();
  const extensions = extensionsInOrder(state);
  return (
    <section class="card" aria-labelledby="wall-extensions">
      <h2 id="wall-extensions">{t('wall.extensions')}</h2>
      <ul class="legend" aria-label={t('wall.legend')}>
        {EXTENSION_KINDS.map((k) => (
          <li key={k} class={`ext-${k}`}>
            <span class="swatch" aria-hidden="true" />
            {t(EXTENSION_LABEL[k])}
          </li>
        ))}
      </ul>
      {extensions.length === 0 ? (
        <p class="note-muted">{t('wall.noExtensions')}</p>
      ) : (
        <ul class="ext-grid" aria-label={t('wall.extensions')}>
          {extensions.map((e) => {
            const kind = extensionKind(e);
            return (
              <li key={e.extension} class={`ext ext-${kind}`} data-extension={e.extension} data-kind={kind}>
                <Data class="ext-number">{e.extension}</Data>
                {e.name ? <Data class="ext-name">{e.name}</Data> : null}
                <span class="ext-status">{t(EXTENSION_LABEL[kind])}</span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

export function CallsPanel({ state, now }: { state: LiveState; now: number }) {
  const { t } = useI18n();
  const calls = callsInOrder(state);
  return (
    <section class="card" aria-labelledby="wall-calls">
      <h2 id="wall-calls">{t('wall.calls')}</h2>
      {calls.length === 0 ? (
        <p class="note-muted" id="wall-no-calls">
          {t('wall.noCalls')}
        </p>
      ) : (
        <TableRegion label={t('wall.calls')}>
          <table class="data" id="wall-calls-table">
            <thead>
              <tr>
                <th scope="col">{t('wall.caller')}</th>
                <th scope="col">{t('wall.callee')}</th>
                <th scope="col">{t('wall.callState')}</th>
                <th scope="col">{t('calls.queue')}</th>
                <th scope="col">{t('calls.agent')}</th>
                <th scope="col">{t('wall.duration')}</th>
              </tr>
            </thead>
            <tbody>
              {calls.map((c) => (
                <tr key={c.id} data-call={c.id} data-caller={c.caller.number}>
                  <th scope="row">
                    <Data>{party(c.caller)}</Data>
                  </th>
                  <td>{c.callee ? <Data>{party(c.callee)}</Data> : null}</td>
                  <td>
                    {t(CALL_LABEL[c.state])}
                    {c.onHold ? <span class="badge badge-warn">{t('wall.ext.onHold')}</span> : null}
                  </td>
                  <td>{c.queue ? <Data>{c.queue}</Data> : null}</td>
                  <td>{c.agent ? <Data>{memberExtension(c.agent)}</Data> : null}</td>
                  <td class="duration">{clock(secondsSince(c.startedAt, now))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </section>
  );
}

function party(p: { number: string; name?: string }): string {
  return p.name && p.name !== p.number ? `${p.number} ${p.name}` : p.number;
}

export function QueuesPanel({ state, now }: { state: LiveState; now: number }) {
  const { t } = useI18n();
  const queues = queuesInOrder(state);
  return (
    <section aria-labelledby="wall-queues">
      <h2 id="wall-queues">{t('wall.queues')}</h2>
      {queues.length === 0 ? <p class="note-muted">{t('wall.noQueues')}</p> : null}
      <div class="queues">
        {queues.map((q) => (
          <QueueCard key={q.name} queue={q} now={now} />
        ))}
      </div>
    </section>
  );
}

function QueueCard({ queue, now }: { queue: LiveQueue; now: number }) {
  const { t } = useI18n();
  const members = membersInOrder(queue);
  const callers = callersInOrder(queue);
  const id = `wall-queue-${queue.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <section class="card queue" data-queue={queue.name} aria-labelledby={id}>
      <h3 id={id}>
        <Msg id="wall.queue" params={{ name: <Data>{queue.name}</Data> }} />
      </h3>
      <h4>{t('wall.waiting', { count: callers.length })}</h4>
      {callers.length === 0 ? (
        <p class="note-muted">{t('wall.noWaiting')}</p>
      ) : (
        <ol class="callers">
          {callers.map((c) => (
            <li key={c.uniqueid} data-caller={c.number}>
              <Data class="strong">{party(c)}</Data> <span class="duration" aria-label={t('wall.waited')}>{clock(secondsSince(c.since, now))}</span>
            </li>
          ))}
        </ol>
      )}
      <h4>{t('wall.members')}</h4>
      {members.length === 0 ? (
        <p class="note-muted">{t('wall.noMembers')}</p>
      ) : (
        <ul class="members">
          {members.map((m) => {
            const kind = memberKind(m);
            return (
              <li key={m.interface} class={`member member-${kind}`} data-member={m.interface} data-kind={kind}>
                <Data class="strong">{memberExtension(m.interface)}</Data>
                {m.name && m.name !== memberExtension(m.interface) ? <Data class="detail">{m.name}</Data> : null}
                <span class="member-state">{t(MEMBER_LABEL[kind])}</span>
                {m.paused && m.pausedReason ? (
                  <span class="paused-reason">
                    <Msg id="wall.pausedReason" params={{ reason: <Data>{m.pausedReason}</Data> }} />
                  </span>
                ) : null}
                {m.paused && kind === 'inCall' ? <span class="member-state">{t('wall.member.paused')}</span> : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
