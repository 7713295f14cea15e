/**
 * AMI failures as the box API's errors. The refusals are Asterisk's own
 * words, taken from the lab's recordings (test/fixtures/ami).
 */
import { describe, expect, it } from 'vitest';
import { BoxApiError } from '../../../protocol/src/box-api/errors.js';
import { loadRecording } from '../../../test/helpers/recordings.js';
import { amiError, type AmiErrorCode } from '../ami/errors.js';
import { mapAmiErrors, toBoxError } from './error-map.js';

/** The `Message:` of every `Response: Error` in a recording, in order. */
function refusals(recording: string): string[] {
  const text = loadRecording(recording).received.toString('latin1');
  return text
    .split('\r\n\r\n')
    .filter((f) => f.replace(/^\r\n/, '').startsWith('Response: Error'))
    .map((f) => /\r\nMessage: ([^\r\n]*)/.exec(f)?.[1] ?? '');
}

const refused = (action: string, message: string) => amiError('AMI_ACTION_FAILED', `Asterisk refused ${action}: ${message}`, { action, amiMessage: message });

function status(err: unknown): number {
  expect(err).toBeInstanceOf(BoxApiError);
  return (err as BoxApiError).status;
}

describe('AMI errors as box API errors', () => {
  it.each([
    ['AMI_NOT_CONNECTED', 503],
    ['AMI_CONNECTION_LOST', 503],
    ['AMI_CLOSED', 503],
    ['AMI_AUTH_FAILED', 503],
    ['AMI_PROTOCOL', 503],
    ['AMI_TIMEOUT', 504],
    ['AMI_UNSAFE_VALUE', 400],
  ] as const)('%s answers %i', (code: AmiErrorCode, expected) => {
    expect(status(toBoxError(amiError(code, 'what happened', { action: 'QueuePause' })))).toBe(expected);
  });

  it('says which part failed: the PBX, or the action that timed out', () => {
    expect((toBoxError(amiError('AMI_NOT_CONNECTED', 'AMI is not connected (waiting); Originate was not sent')) as BoxApiError).message).toBe(
      'PBX unavailable: AMI is not connected (waiting); Originate was not sent',
    );
    expect((toBoxError(amiError('AMI_TIMEOUT', 'late', { action: 'QueueStatus' })) as BoxApiError).message).toBe('PBX did not answer in time (QueueStatus)');
  });

  it('answers 404 for what Asterisk says does not exist, in its recorded words', () => {
    const queue = refusals('action-queue-pause-add-remove');
    const notFound = [
      ...queue.filter((m) => /not found|No such queue/.test(m)),
      ...refusals('pjsip/action-pjsip-misc').filter((m) => m.startsWith('Unable to retrieve endpoint')),
      ...refusals('action-sippeers'),
      ...refusals('action-db-blacklist').filter((m) => m.endsWith('not found')),
    ];
    expect(notFound).toEqual([
      'Interface not found',
      'Unable to add interface to queue: No such queue',
      'Unable to retrieve endpoint nosuchendpoint',
      'Unable to retrieve endpoint',
      'Peer nosuchpeer not found.',
      'Database entry not found',
    ]);
    for (const m of notFound) {
      const err = toBoxError(refused('Action', m)) as BoxApiError;
      expect([err.status, err.message]).toEqual([404, m]);
    }
  });

  it('answers 502 with Asterisk\'s message for any other refusal', () => {
    const others = [
      ...refusals('action-queue-pause-add-remove').filter((m) => m.startsWith('Unable to add interface:') || m.startsWith('Unable to remove')),
      ...refusals('action-db-blacklist').filter((m) => m.includes('could not be deleted')),
      ...refusals('action-missing-params').slice(0, 3),
    ];
    expect(others.length).toBeGreaterThanOrEqual(5);
    for (const m of others) {
      const err = toBoxError(refused('Action', m)) as BoxApiError;
      expect([err.status, err.message]).toEqual([502, m]);
    }
  });

  it('leaves errors that are not AMI\'s alone, and rethrows through mapAmiErrors', async () => {
    const plain = new Error('a bug');
    expect(toBoxError(plain)).toBe(plain);
    await expect(mapAmiErrors(async () => 'answer')).resolves.toBe('answer');
    const err = await mapAmiErrors(() => Promise.reject(refused('QueuePause', 'Interface not found'))).catch((e: unknown) => e);
    expect(status(err)).toBe(404);
  });
});
