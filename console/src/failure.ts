/**
 * What the reader is told when a call to the cloud fails: a summary in their
 * language, picked by the /v1 error's code (cloud/src/api/errors.ts: every
 * refusal is `{"status":"error","code","message","details"?}`) where the code
 * says more than its status, else by the HTTP status (also for answers that
 * are not the cloud's: a proxy's page, the network); and the cloud's own
 * message beside it, as written, since it names the field or the limit.
 */

import { ApiFailure, NETWORK_FAILURE } from './api/client.js';
import type { MessageId } from './i18n/index.js';

/** Codes whose status alone would say the wrong thing (a 503 is not always an offline relay). */
const BY_CODE: Readonly<Record<string, MessageId>> = {
  starting: 'error.starting',
  'relay-disconnected': 'error.unknownOutcome',
  'relay-protocol-error': 'error.relay',
};

const BY_STATUS: Readonly<Record<number, MessageId>> = {
  [NETWORK_FAILURE]: 'error.network',
  400: 'error.invalid',
  401: 'error.unauthorized',
  403: 'error.forbidden',
  404: 'error.notFound',
  409: 'error.conflict',
  413: 'error.tooLarge',
  422: 'error.invalid',
  502: 'error.relay',
  503: 'error.unavailable',
  504: 'error.timeout',
};

export function failureText(err: unknown, t: (id: MessageId) => string): { summary: string; detail?: string } {
  if (!(err instanceof ApiFailure)) return { summary: t('error.unexpected'), detail: err instanceof Error ? err.message : String(err) };
  const id = (err.code !== undefined ? BY_CODE[err.code] : undefined) ?? BY_STATUS[err.status] ?? 'error.unexpected';
  return { summary: t(id), detail: err.message || undefined };
}
