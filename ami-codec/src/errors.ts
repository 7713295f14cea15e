/**
 * The AMI error, and the one error factory of the wire format.
 *
 * Every AMI failure is an `AmiError`: a stable `code` a caller can switch on,
 * and whether it is `recoverable` (trying again later may work) or not. The
 * codec raises two codes of its own; a session built on it (the relay's
 * client, edge-relay/src/ami/errors.ts) adds its codes to the same class, so
 * a caller handles every AMI failure in one place. HTTP mapping lives with
 * the API, not here.
 */

export type AmiCodecErrorCode =
  | 'AMI_PROTOCOL' // the byte stream is not AMI (or a frame is over the size bound)
  | 'AMI_UNSAFE_VALUE'; // a key or value holds CR, LF or NUL; refused before writing

/** What an error may say about the action it belongs to. */
export interface AmiErrorDetails {
  action?: string;
  actionId?: string;
  /** Asterisk's own `Message:` for an action Asterisk refused. */
  amiMessage?: string;
  /** The error underneath (a socket's), kept for the logs. */
  cause?: unknown;
}

export class AmiError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly recoverable: boolean;
  /** The action this error belongs to, when there is one. */
  readonly action?: string;
  readonly actionId?: string;
  readonly amiMessage?: string;

  constructor(code: Code, message: string, recoverable: boolean, extra: AmiErrorDetails = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'AmiError';
    this.code = code;
    this.recoverable = recoverable;
    this.action = extra.action;
    this.actionId = extra.actionId;
    this.amiMessage = extra.amiMessage;
  }
}

/** A broken stream may heal on a new connection; an unsafe value never becomes sendable. */
export const CODEC_RECOVERABLE: Readonly<Record<AmiCodecErrorCode, boolean>> = {
  AMI_PROTOCOL: true,
  AMI_UNSAFE_VALUE: false,
};

export function codecError(code: AmiCodecErrorCode, message: string, extra?: AmiErrorDetails): AmiError<AmiCodecErrorCode> {
  return new AmiError(code, message, CODEC_RECOVERABLE[code], extra);
}
