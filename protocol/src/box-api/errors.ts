/**
 * The one error type the box API answers with. It carries the HTTP status and
 * the message a user reads; both survive the tunnel as plain JSON, so the
 * cloud answers with exactly what the relay decided.
 *
 *   400 a bad or missing field       404 unknown extension, queue, call or file
 *   401 bad authentication           502 Asterisk answered an error
 *   403 a key without the scope      422 an Idempotency-Key reused for another command
 *   503 the PBX (AMI or relay) is unreachable
 *   504 the PBX did not answer in time
 */

export type BoxErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 503 | 504;

export class BoxApiError extends Error {
  readonly status: BoxErrorStatus;
  /** Retrying later may succeed (503, 504, some 502). */
  readonly recoverable: boolean;

  constructor(
    status: BoxErrorStatus,
    message: string,
    /** A stable code for the logs and docs/errors.md (the cloud's tunnel errors: `relay-offline`…); never in the body, which stays the box's. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'BoxApiError';
    this.status = status;
    this.recoverable = status === 503 || status === 504 || status === 429;
  }

  /** The body every error answer has. */
  toBody(): { status: 'error'; message: string } {
    return { status: 'error', message: this.message };
  }
}

export function boxError(status: BoxErrorStatus, message: string, code?: string): BoxApiError {
  return new BoxApiError(status, message, code);
}

export function isBoxApiError(err: unknown): err is BoxApiError {
  return err instanceof BoxApiError;
}

/** Rebuild an error that crossed the tunnel as `{status, message}`. */
export function boxErrorFromWire(value: { status: number; message: string }): BoxApiError {
  const allowed: BoxErrorStatus[] = [400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 502, 503, 504];
  const status = (allowed as number[]).includes(value.status) ? (value.status as BoxErrorStatus) : 502;
  return new BoxApiError(status, value.message);
}
