/**
 * The one error factory for Asterisk's own records (Master.csv, queue_log).
 *
 * A bad record never stops reading: the parsers report it with a stable
 * `code`, where it is (byte offset in the file), and a short preview, then go
 * on with the next record. `recoverable` says whether reading again later may
 * succeed (the file could not be read now) or the bytes themselves are wrong
 * (no retry will change them: an operator must look at the file or at the
 * cdr.conf / logger.conf settings).
 */

export type RecordsErrorCode =
  | 'RECORDS_TOO_LONG' // a record longer than the bound (no cdr_csv or queue_log line is that long)
  | 'RECORDS_CSV_QUOTING' // a Master.csv record whose quoting is not cdr_csv's
  | 'RECORDS_CSV_COLUMNS' // a Master.csv record with another number of fields than cdr.conf's settings give
  | 'RECORDS_CSV_VALUE' // a date or number column that is not one
  | 'RECORDS_QUEUE_LOG_LINE' // a queue_log line without time|callid|queue|agent|event
  | 'RECORDS_QUEUE_LOG_DATA' // a known queue_log event with another number of data fields than app_queue writes
  | 'RECORDS_CONFIG' // cdr.conf / logger.conf that cannot be read
  | 'RECORDS_IO'; // the file could not be opened, read or its position saved

const RECOVERABLE: Record<RecordsErrorCode, boolean> = {
  RECORDS_TOO_LONG: false,
  RECORDS_CSV_QUOTING: false,
  RECORDS_CSV_COLUMNS: false,
  RECORDS_CSV_VALUE: false,
  RECORDS_QUEUE_LOG_LINE: false,
  RECORDS_QUEUE_LOG_DATA: false,
  RECORDS_CONFIG: false,
  RECORDS_IO: true,
};

export interface RecordsErrorDetail {
  /** Byte offset of the record in its file, when known. */
  offset?: number;
  /** The first bytes of the record, for the log. */
  preview?: string;
  file?: string;
}

export class RecordsError extends Error {
  readonly code: RecordsErrorCode;
  readonly recoverable: boolean;
  readonly offset?: number;
  readonly preview?: string;
  readonly file?: string;

  constructor(code: RecordsErrorCode, message: string, detail: RecordsErrorDetail = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RecordsError';
    this.code = code;
    this.recoverable = RECOVERABLE[code];
    this.offset = detail.offset;
    this.preview = detail.preview;
    this.file = detail.file;
  }
}

export function recordsError(code: RecordsErrorCode, message: string, detail?: RecordsErrorDetail, options?: { cause?: unknown }): RecordsError {
  return new RecordsError(code, message, detail, options);
}

export function isRecordsError(err: unknown, code?: RecordsErrorCode): err is RecordsError {
  return err instanceof RecordsError && (code === undefined || err.code === code);
}

/** At most 80 characters of a record, for an error message or a log line. */
export function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
