/**
 * The one error factory of the relay's AMI session.
 *
 * The session's failures are `AmiError`s (the codec's class, ami-codec/src/
 * errors.ts) with codes of their own, next to the codec's AMI_PROTOCOL and
 * AMI_UNSAFE_VALUE, so a caller switches on one type. Each says whether it is
 * `recoverable` (trying again later may work: the connection dropped,
 * Asterisk was slow) or not (wrong secret, the client was closed).
 */

import { AmiError as AmiErrorClass, CODEC_RECOVERABLE, type AmiCodecErrorCode, type AmiErrorDetails } from '../../../ami-codec/src/errors.js';

export type AmiSessionErrorCode =
  | 'AMI_NOT_CONNECTED' // an action was issued while no session is up; it was not sent
  | 'AMI_CONNECTION_LOST' // the session dropped while the action was in flight; outcome unknown
  | 'AMI_TIMEOUT' // Asterisk did not answer within the action's deadline; outcome unknown
  | 'AMI_ACTION_FAILED' // Asterisk answered `Response: Error`
  | 'AMI_AUTH_FAILED' // Login refused: wrong user or secret
  | 'AMI_CLOSED'; // the client was closed on purpose

export type AmiErrorCode = AmiCodecErrorCode | AmiSessionErrorCode;

const RECOVERABLE: Record<AmiErrorCode, boolean> = {
  ...CODEC_RECOVERABLE,
  AMI_NOT_CONNECTED: true,
  AMI_CONNECTION_LOST: true,
  AMI_TIMEOUT: true,
  AMI_ACTION_FAILED: false,
  AMI_AUTH_FAILED: false,
  AMI_CLOSED: false,
};

/** Every code of the relay's AMI errors (docs/errors.md lists them). */
export const AMI_ERROR_CODES = Object.keys(RECOVERABLE) as AmiErrorCode[];

/** The codec's error class, with the codes an AMI session can raise. */
export const AmiError = AmiErrorClass;
export type AmiError = AmiErrorClass<AmiErrorCode>;

export function amiError(code: AmiErrorCode, message: string, extra?: AmiErrorDetails): AmiError {
  return new AmiErrorClass(code, message, RECOVERABLE[code], extra);
}

export function isAmiError(err: unknown, code?: AmiErrorCode): err is AmiError {
  return err instanceof AmiErrorClass && (code === undefined || err.code === code);
}
