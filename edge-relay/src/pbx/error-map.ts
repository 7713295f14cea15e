/**
 * AMI failures as box API errors: what a caller of the HTTP API can act on.
 * The AMI layer says what happened; this says what it means for the request.
 */

import { boxError, type BoxApiError } from '../../../protocol/src/box-api/errors.js';
import { AmiError } from '../ami/errors.js';

/** Asterisk's answers that mean "no such thing", per the recordings. */
const NOT_FOUND = [/No such queue/i, /Interface not found/i, /not found\.?$/i, /Unable to retrieve endpoint/i];

export function toBoxError(err: unknown): BoxApiError | unknown {
  if (!(err instanceof AmiError)) return err;
  switch (err.code) {
    case 'AMI_NOT_CONNECTED':
    case 'AMI_CONNECTION_LOST':
    case 'AMI_CLOSED':
    case 'AMI_AUTH_FAILED':
    case 'AMI_PROTOCOL':
      return boxError(503, `PBX unavailable: ${err.message}`);
    case 'AMI_TIMEOUT':
      return boxError(504, `PBX did not answer in time (${err.action ?? 'action'})`);
    case 'AMI_UNSAFE_VALUE':
      return boxError(400, err.message);
    case 'AMI_ACTION_FAILED': {
      const message = err.amiMessage ?? err.message;
      if (NOT_FOUND.some((re) => re.test(message))) return boxError(404, message);
      return boxError(502, message);
    }
  }
}

/** Run an AMI interaction and rethrow its failure as a box error. */
export async function mapAmiErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toBoxError(err);
  }
}
