/**
 * The one error factory of the AMI layer.
 *
 * Every failure carries a stable `code` a caller can switch on, and says
 * whether it is `recoverable` (trying again later may work: the connection
 * dropped, Asterisk was slow) or not (wrong secret, a value that can never be
 * sent). HTTP mapping lives with the API, not here.
 */

export type AmiErrorCode =
  | 'AMI_NOT_CONNECTED' // an action was issued while no session is up; it was not sent
  | 'AMI_CONNECTION_LOST' // the session dropped while the action was in flight; outcome unknown
  | 'AMI_TIMEOUT' // Asterisk did not answer within the action's deadline; outcome unknown
  | 'AMI_ACTION_FAILED' // Asterisk answered `Response: Error`
  | 'AMI_AUTH_FAILED' // Login refused: wrong user or secret
  | 'AMI_PROTOCOL' // the byte stream is not AMI (or a frame is over the size bound)
  | 'AMI_UNSAFE_VALUE' // a key or value holds CR, LF or NUL; refused before writing
  | 'AMI_CLOSED'; // the client was closed on purpose

const RECOVERABLE: Record<AmiErrorCode, boolean> = {
  AMI_NOT_CONNECTED: true,
  AMI_CONNECTION_LOST: true,
  AMI_TIMEOUT: true,
  AMI_ACTION_FAILED: false,
  AMI_AUTH_FAILED: false,
  AMI_PROTOCOL: true,
  AMI_UNSAFE_VALUE: false,
  AMI_CLOSED: false,
};

export class AmiError extends Error {
  readonly code: AmiErrorCode;
  readonly recoverable: boolean;
  /** The action this error belongs to, when there is one. */
  readonly action?: string;
  readonly actionId?: string;
  /** Asterisk's own `Message:` for AMI_ACTION_FAILED. */
  readonly amiMessage?: string;

  constructor(code: AmiErrorCode, message: string, extra: { action?: string; actionId?: string; amiMessage?: string } = {}) {
    super(message);
    this.name = 'AmiError';
    this.code = code;
    this.recoverable = RECOVERABLE[code];
    this.action = extra.action;
    this.actionId = extra.actionId;
    this.amiMessage = extra.amiMessage;
  }
}

export function amiError(
  code: AmiErrorCode,
  message: string,
  extra?: { action?: string; actionId?: string; amiMessage?: string },
): AmiError {
  return new AmiError(code, message, extra);
}

export function isAmiError(err: unknown, code?: AmiErrorCode): err is AmiError {
  return err instanceof AmiError && (code === undefined || err.code === code);
}
