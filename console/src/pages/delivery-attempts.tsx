/**
 * One delivery's attempts (`GET …/deliveries/{eventId}`), oldest first: when,
 * the HTTP code, how long it took, the error, and the first KB of what the
 * endpoint answered. The answer is the endpoint's text, shown as text (never
 * as markup), in a box that keeps its lines and scrolls.
 */

import { Data, ErrorNote, Loading, Msg } from '../components/ui.js';
import { useConsole, useI18n, useLoad } from '../context.js';
import { formatInstant, formatMs, localZone, NONE } from '../format.js';

/** `version` changes when the delivery does (a new attempt): the attempts are read again. */
export function DeliveryAttempts({ webhookId, eventId, version }: { webhookId: string; eventId: string; version: string }) {
  const { t, locale } = useI18n();
  const { tenant } = useConsole();
  const detail = useLoad(() => tenant.delivery(webhookId, eventId), `${webhookId}/${eventId}/${version}`);
  const log = detail.data?.attemptLog;
  return (
    <div class="attempts">
      <ErrorNote error={detail.error} />
      {!log && detail.loading ? <Loading /> : null}
      {log && log.length === 0 ? <p>{t('attempts.none')}</p> : null}
      {log && log.length > 0 ? (
        <table class="data compact">
          <caption>
            <Msg id="attempts.title" params={{ event: <Data class="id">{eventId}</Data> }} />
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('attempts.number')}</th>
              <th scope="col">{t('attempts.at')}</th>
              <th scope="col">{t('deliveries.code')}</th>
              <th scope="col">{t('deliveries.latency')}</th>
              <th scope="col">{t('deliveries.error')}</th>
              <th scope="col">{t('attempts.body')}</th>
            </tr>
          </thead>
          <tbody>
            {log.map((a) => (
              <tr key={a.attempt} data-attempt={a.attempt}>
                <th scope="row">{a.attempt}</th>
                <td>{formatInstant(a.at, localZone(), locale)}</td>
                <td data-col="code">{a.responseCode ?? t('attempts.noAnswer')}</td>
                <td>{formatMs(a.latencyMs, locale)}</td>
                <td>{a.error ? <Data class="detail">{a.error}</Data> : NONE}</td>
                <td>{a.responseBody === null ? NONE : <pre class="answer" translate={false}>{a.responseBody}</pre>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
