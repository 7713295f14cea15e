/**
 * Schemas shared by the /v1 routes: ids, names, time zones, instants, query
 * integers, case-insensitive enumerations, and the error body. Each carries
 * its description (the document's words, and the words of its 400: an
 * `invalid-field` message is `<field>: <description>` unless a check says
 * more).
 *
 * The bounds are the hardening's (issue 16): ids of their shape
 * (store/ids.ts), names and keys of at most 200 printable characters, time
 * zones of at most 64, instants after 1970.
 */

import * as v from 'valibot';
import { isTimeZone } from '../../../../protocol/src/zoned-time.js';
import { parseInstant } from '../../analytics/time.js';
import { idPattern, idShape, ID_PREFIXES, type IdKind } from '../../store/ids.js';
import { API_ERROR_CODES } from '../errors.js';

const PRINTABLE = /^[^\x00-\x1f\x7f]*$/;

/** An id of its kind; in a path, anything else is a 404 (api/mount.ts). */
export function id(kind: IdKind) {
  return v.pipe(v.string(), v.regex(idPattern(kind)), v.description(`a ${kind} id: ${idShape(kind)}`), v.examples([`${ID_PREFIXES[kind]}_7hq2m4k9x1c3v5b8`]));
}

export const TenantId = id('tenant');
export const SiteId = id('site');
export const WebhookId = id('webhook');
export const ReplayJobId = id('replay');

/** A stored event's id: a box event's `evt_<site id>_<seq>` (store/events.ts), or an operational event's `evt_<site or tenant id>_<type>_<key>` (operational/store.ts). */
export const EventId = v.pipe(
  v.string(),
  v.maxLength(160),
  v.regex(/^evt_[A-Za-z0-9_.:-]+$/),
  v.description('an event id: evt_<site id>_<seq> for a box event, evt_<site or tenant id>_<type>_<key> for an operational one'),
  v.examples(['evt_site_7hq2m4k9x1c3v5b8_1042']),
);

/** Printable text of 1 to `max` characters (`trim`: surrounding spaces removed, and it must not be blank). */
export function text(max: number, describe: string, opts: { trim?: boolean } = {}) {
  const base = v.pipe(v.string(), v.minLength(1), v.maxLength(max), v.regex(PRINTABLE), v.description(describe));
  if (!opts.trim) return base;
  return v.pipe(
    base,
    v.check((s) => s.trim() !== '', 'must not be blank'),
    v.transform((s) => s.trim()),
  );
}

/** A tenant's or site's name. */
export const Name = text(200, '1-200 printable characters (surrounding spaces are trimmed)', { trim: true });

export const TimeZone = v.pipe(
  v.string(),
  v.maxLength(64),
  v.check(isTimeZone, (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone (such as Europe/Berlin)`),
  v.description('an IANA time zone such as Europe/Berlin'),
  v.examples(['Europe/Berlin']),
);

const INSTANT = 'ISO 8601 (2026-11-24, 2026-11-24T09:00:00Z, 2026-11-24T10:00:00+01:00) or epoch milliseconds';

/** An instant as a query parameter (or a JSON string): ISO 8601 with its offset, or epoch milliseconds → epoch ms. */
export const Instant = v.pipe(
  v.string(),
  v.maxLength(40),
  v.check((s) => typeof parseInstant(s) === 'number', (issue) => String(parseInstant(issue.input as string))),
  v.description(INSTANT),
  v.examples(['2026-11-24T09:00:00Z']),
  v.transform((s) => parseInstant(s) as number),
);

/** An instant in a JSON body: the same, or epoch milliseconds as a number. */
export const BodyInstant = v.union(
  [
    v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
    Instant,
  ],
  INSTANT,
);

/**
 * A whole number in a query parameter, from `min` to `max`. The document
 * shows it as an integer (metadata `wire`, openapi/schema.ts), as clients
 * send it; the handler receives a number.
 */
export function queryInteger(min: number, max: number, describe: string) {
  return v.pipe(
    v.string(),
    v.regex(/^\d{1,9}$/, `an integer from ${min} to ${max}`),
    v.transform(Number),
    v.number(),
    v.minValue(min, `an integer from ${min} to ${max}`),
    v.maxValue(max, `an integer from ${min} to ${max}`),
    v.metadata({ wire: { type: 'integer', minimum: min, maximum: max, description: describe } }),
  );
}

/**
 * One of a list of values of the box's data, written in any case
 * (`disposition=answered` is `ANSWERED`): answers the value as the records
 * carry it.
 */
export function anyCase<const T extends string>(values: readonly T[], describe: string) {
  const byLower = new Map(values.map((x) => [x.toLowerCase(), x]));
  return v.pipe(
    v.string(),
    v.check((s) => byLower.has(s.toLowerCase()), `one of ${values.join(', ')} (in any case)`),
    v.transform((s) => byLower.get(s.toLowerCase()) as T),
    v.metadata({ wire: { type: 'string', enum: values, description: `${describe}; matched case-insensitively` } }),
  );
}

/** The body of every /v1 error. */
export const ErrorBody = v.strictObject({
  status: v.literal('error'),
  code: v.pipe(v.picklist(API_ERROR_CODES), v.description('stable: see docs/errors.md')),
  message: v.pipe(v.string(), v.description('what to fix, for a person')),
  details: v.optional(v.pipe(v.record(v.string(), v.unknown()), v.description('for a program: the field at fault (`field`), what is allowed (`allowed`), a limit…'))),
});

/** A page's cursor: opaque, passed back as is. */
export const NextCursor = v.pipe(v.nullable(v.string()), v.description('the `cursor` of the next page; null on the last page'));

/** An ISO 8601 instant the API writes. */
export const Timestamp = v.pipe(v.string(), v.description('ISO 8601, UTC'), v.examples(['2026-11-24T09:00:00.000Z']));
