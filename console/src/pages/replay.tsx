/**
 * Replay: send an endpoint the stored events of a time range (in the reader's
 * zone) again, with their ids. The cloud runs it as a background job, one
 * step per site and UTC day; the section follows the job (`GET …/replays/
 * {jobId}`) and shows how far it is until it is done, or why it stopped.
 */

import { useEffect, useRef, useState } from 'preact/hooks';
import { follow } from '../api/follow.js';
import type { ReplayJob, Webhook } from '../api/types.js';
import { Data, ErrorNote, Field, Msg, StatusNote } from '../components/ui.js';
import { useConsole, useI18n } from '../context.js';
import { formatNumber, localZone } from '../format.js';
import { dateTimeInputValue, parseInputValue } from '../time-range.js';

/** How often a running replay job is looked at. */
const REPLAY_POLL_MS = 500;

export function Replay({ webhook }: { webhook: Webhook }) {
  const { t } = useI18n();
  const { tenant } = useConsole();
  const zone = localZone();
  const now = Date.now();
  const [from, setFrom] = useState(dateTimeInputValue(now - 3_600_000, zone));
  const [to, setTo] = useState(dateTimeInputValue(now + 60_000, zone));
  const [bad, setBad] = useState(false);
  const [job, setJob] = useState<ReplayJob | undefined>();
  const [error, setError] = useState<unknown>();
  const gone = useRef(new AbortController());
  useEffect(() => () => gone.current.abort(), []);
  const running = job?.status === 'running';

  const start = async (range: { from: string; to: string }) => {
    setError(undefined);
    setJob(undefined);
    try {
      const first = await tenant.startReplay(webhook.id, range);
      await follow(first, () => tenant.replayJob(webhook.id, first.jobId), (j) => j.status !== 'running', setJob, { everyMs: REPLAY_POLL_MS, signal: gone.current.signal });
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section class="card" aria-labelledby="replay">
      <h2 id="replay">{t('webhook.replay')}</h2>
      <p class="hint">
        {t('webhook.replayHint')} <Msg id="calls.timesIn" params={{ zone: <Data>{zone}</Data> }} />
      </p>
      <form
        class="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          const a = parseInputValue(from, zone);
          const b = parseInputValue(to, zone);
          setBad(a === undefined || b === undefined || a >= b);
          if (a !== undefined && b !== undefined && a < b) void start({ from: new Date(a).toISOString(), to: new Date(b).toISOString() });
        }}
      >
        <Field id="replay-from" label={t('webhook.replayFrom')}>
          <input id="replay-from" type="datetime-local" required value={from} onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <Field id="replay-to" label={t('webhook.replayTo')}>
          <input id="replay-to" type="datetime-local" required value={to} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <div class="form-actions">
          <button type="submit" disabled={running || webhook.status !== 'active'}>
            {t('webhook.replayButton')}
          </button>
        </div>
      </form>
      {webhook.status !== 'active' ? <p class="hint">{t('webhook.replayDisabled')}</p> : null}
      {bad ? (
        <p class="note note-bad" role="alert">
          {t('webhook.replayBad')}
        </p>
      ) : null}
      <ErrorNote error={error} />
      {job ? <JobProgress job={job} /> : null}
    </section>
  );
}

function JobProgress({ job }: { job: ReplayJob }) {
  const { t, locale } = useI18n();
  const n = (v: number) => formatNumber(v, locale);
  return (
    <div class="replay-job" data-job={job.jobId} data-status={job.status}>
      <label class="replay-progress">
        {t('replay.progress', { done: n(job.stepsDone), steps: n(job.steps) })}
        <progress max={Math.max(job.steps, 1)} value={job.status === 'done' ? Math.max(job.steps, 1) : job.stepsDone} />
      </label>
      {job.status === 'running' ? (
        <StatusNote tone="muted">{t('replay.running', { found: n(job.eventsFound), queued: n(job.eventsQueued) })}</StatusNote>
      ) : job.status === 'done' ? (
        <StatusNote>
          {t('webhook.replayed', { count: n(job.eventsQueued) })} {t('replay.found', { found: n(job.eventsFound) })}
        </StatusNote>
      ) : (
        <StatusNote tone="bad">
          {t('replay.stopped', { queued: n(job.eventsQueued) })} {job.stoppedReason ? <Data class="detail">({job.stoppedReason})</Data> : null}
        </StatusNote>
      )}
    </div>
  );
}
