/**
 * What a caller of the box API through the cloud gets when the tunnel, not
 * the PBX, stands in the way — the same for both gateways (the local hub and
 * API Gateway's): 503 while the site's relay cannot be reached (retrying
 * later may work), 504 when it did not answer in time, 502 when it answered
 * in a way the cloud cannot use. The relay's own refusals (404 unknown
 * extension, 502 Asterisk's error…) pass through with their status and words.
 */

import { boxError, boxErrorFromWire, type BoxApiError } from '../../../protocol/src/box-api/errors.js';
import type { ApiErrorCode } from '../api/errors.js';

/** A tunnel error: the box's body, and a code of the cloud's table (api/errors.ts) for the logs. */
const tunnelError = (status: 502 | 503 | 504, message: string, code: ApiErrorCode): BoxApiError => boxError(status, message, code);

/** No connection of the site takes commands. */
export function relayOffline(): BoxApiError {
  return tunnelError(503, 'site relay is offline', 'relay-offline');
}

/** The command could not be handed to the connection (API Gateway refused the post). */
export function relayUnreachable(): BoxApiError {
  return tunnelError(503, 'site relay is unreachable', 'relay-unreachable');
}

/** The connection went away with the command on it: whether it ran is unknown. */
export function relayGone(): BoxApiError {
  return tunnelError(503, 'site relay disconnected before answering', 'relay-disconnected');
}

/** The caller's deadline passed (`waitMs`: how long it was given), in seconds with one decimal. */
export function relayTimeout(waitMs: number): BoxApiError {
  return tunnelError(504, `site relay did not answer within ${Math.round(waitMs / 100) / 10} s`, 'relay-timeout');
}

/** The relay's refusal as it crossed the tunnel: its status when the box API has it (else 502), and its message. */
export function relayRefusal(error: { status: number; message: string } | undefined): BoxApiError {
  return boxErrorFromWire(error ?? { status: 502, message: 'relay error' });
}

/** An answer the cloud cannot pass on (a recording streamed where it must be uploaded). */
export function relayProtocolError(message: string): BoxApiError {
  return tunnelError(502, message, 'relay-protocol-error');
}
