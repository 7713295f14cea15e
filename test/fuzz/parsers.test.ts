/**
 * Property-based tests (fast-check) of the pure parsers and validators that
 * stand between a client and the PBX or the database (issue 16): whatever
 * they are given, they answer with their own typed refusal or with a value
 * inside the documented bounds — never another exception, never a value out
 * of bounds. Fixed seed and run counts (properties.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AmiDecoder } from '../../ami-codec/src/decoder.js';
import { AmiError } from '../../ami-codec/src/errors.js';
import { encodeCursor } from '../../cloud/src/analytics/cursor.js';
import { MAX_RANGE_DAYS } from '../../cloud/src/api/contract/analytics.js';
import { parseCdrParams, parseStatsParams } from '../helpers/query-params.js';
import { isForbiddenAddress } from '../../cloud/src/webhooks/ssrf.js';
import { BoxApiError } from '../../protocol/src/box-api/errors.js';
import { checkShape, FIELD_SHAPES, MAX_FIELD_CHARS, type FieldKind } from '../../protocol/src/box-api/fields.js';
import { field, parseUrlEncoded } from '../../protocol/src/box-api/forms.js';
import { checkRecordingPath, safeRecordingPath } from '../../protocol/src/box-api/recording-path.js';
import { decodeCloudFrame, decodeRelayFrame, FrameError } from '../../protocol/src/wire/codec.js';
import { check, nastyString } from './properties.js';

const DAY = 86_400_000;
const KINDS = Object.keys(FIELD_SHAPES) as FieldKind[];
const refusal = (f: () => unknown): unknown => {
  try {
    f();
    return undefined;
  } catch (err) {
    return err;
  }
};

describe('AMI decoder', () => {
  const message = fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/), fc.stringMatching(/^[ -~]{0,30}$/)), { minLength: 1, maxLength: 6 });

  it('decodes any stream of messages the same way however it is cut into chunks', () =>
    check(
      fc.property(fc.array(message, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }), (messages, cuts) => {
        const text = 'Asterisk Call Manager/9.0.0\r\n' + messages.map((m) => m.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n').join('');
        const bytes = Buffer.from(text, 'latin1');
        const decode = (sizes: number[]) => {
          const out: string[][] = [];
          const d = new AmiDecoder();
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const n = sizes[i % sizes.length];
            d.push(bytes.subarray(at, at + n), (m) => out.push(m.fields));
            at += n;
          }
          return out;
        };
        expect(decode(cuts)).toEqual(decode([bytes.length]));
      }),
    ));

  it('on arbitrary bytes, emits messages or throws its own protocol error, and holds no more than its bound', () =>
    check(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }), (chunks) => {
        const d = new AmiDecoder({ maxFrameBytes: 512 });
        try {
          for (const c of chunks) d.push(c, () => undefined);
        } catch (err) {
          expect(err).toBeInstanceOf(AmiError);
          return;
        }
        expect(d.bufferedBytes).toBeLessThanOrEqual(512);
      }),
    ));
});

describe('form reader and box field shapes', () => {
  it('urlencoded text parses into strings or is refused with a 400', () =>
    check(
      fc.property(nastyString(200), (text) => {
        const err = refusal(() => parseUrlEncoded(text));
        if (err) expect(err).toMatchObject({ status: 400 });
        else for (const v of Object.values(parseUrlEncoded(text))) expect(typeof v).toBe('string');
      }),
    ));

  it('a field is accepted only with its shape: no control, path, dial-string or AstDB separator, at most 79 characters', () =>
    check(
      fc.property(fc.constantFrom(...KINDS), nastyString(100), (kind, value) => {
        const err = refusal(() => field({ f: value }, 'f', kind));
        if (err) {
          expect(err).toBeInstanceOf(BoxApiError);
          expect((err as BoxApiError).status).toBe(400);
          expect((err as BoxApiError).message).toMatch(/^(invalid|missing field) f/);
          return;
        }
        const v = field({ f: value }, 'f', kind);
        expect(v.length).toBeGreaterThan(0);
        expect(v.length).toBeLessThanOrEqual(MAX_FIELD_CHARS);
        expect(v).not.toMatch(/[\x00-\x20\x7f/\\@,&:;%]|\.\./);
        expect(v).not.toMatch(/^(null|undefined|nan|[+-]?infinity|\.+|-.*)$/i);
        expect(checkShape(kind, v)).toEqual({ ok: true });
      }),
    ));

  it('values that fit the shape pass', () =>
    check(
      fc.property(fc.stringMatching(/^[1-9][0-9]{0,14}$/), (digits) => {
        for (const kind of KINDS) expect(field({ f: digits }, 'f', kind)).toBe(digits);
        expect(field({ f: `+${digits}` }, 'f', 'number')).toBe(`+${digits}`);
      }),
    ));
});

describe('recording paths', () => {
  it('an accepted path is relative, inside the folder, of plain segments', () =>
    check(
      fc.property(fc.oneof(nastyString(60), fc.array(fc.constantFrom('a', '..', '.', '%2e', '%2F', '%5C', 'x.wav', '%00', '/'), { maxLength: 6 }).map((p) => p.join('/'))), (raw) => {
        const err = refusal(() => safeRecordingPath(raw));
        if (err) {
          expect(err).toMatchObject({ status: 400 });
          return;
        }
        const path = safeRecordingPath(raw);
        expect(path.startsWith('/')).toBe(false);
        for (const seg of path.split('/')) expect(['', '.', '..']).not.toContain(seg);
        expect(path).not.toMatch(/[\\\0%]/);
        expect(checkRecordingPath(path)).toBe(path);
      }),
    ));
});

describe('CDR parameters and cursors', () => {
  const now = Date.UTC(2026, 10, 24, 12);
  const wire = fc.record({
    v: fc.constantFrom(1, 2),
    s: fc.option(fc.oneof(fc.constant('site_0000000000000000'), nastyString(30)), { nil: undefined }),
    t: fc.constantFrom('cdr', 'cc_cdr', 'ivr'),
    f: fc.oneof(fc.integer({ min: -DAY, max: now }), fc.constant(0), fc.double()),
    u: fc.oneof(fc.integer({ min: 0, max: now + 400 * DAY }), fc.constant(1e300)),
    q: fc.dictionary(fc.constantFrom('caller', 'queue', 'agent', 'evil'), nastyString(20), { maxKeys: 3 }),
    a: fc.tuple(fc.integer({ min: 0, max: now }), fc.constantFrom('site_0000000000000000', 'x'), fc.integer({ min: 0, max: 1e6 })),
  });

  it('a cursor, forged or not, gives a query of at most 366 days or a 400 message about it', () =>
    check(
      fc.property(wire, (w) => {
        const cursor = Buffer.from(JSON.stringify(w)).toString('base64url');
        const r = parseCdrParams(new URLSearchParams({ cursor }), now);
        if (!r.ok) {
          expect(r.message).toMatch(/^cursor: /);
          return;
        }
        const q = r.value.query;
        expect(q.fromMs).toBeGreaterThanOrEqual(0);
        expect(q.toMs - q.fromMs).toBeLessThanOrEqual(MAX_RANGE_DAYS * DAY);
        expect(q.toMs).toBeGreaterThan(q.fromMs);
      }),
    ));

  it('a cursor the API made is taken back', () =>
    check(
      fc.property(fc.integer({ min: 0, max: now - DAY }), fc.integer({ min: 1, max: MAX_RANGE_DAYS * DAY }), fc.integer({ min: 0, max: 1e9 }), (from, span, seq) => {
        const query = { siteId: 'site_0000000000000000', type: 'cdr' as const, fromMs: from, toMs: from + span, filters: {} };
        const r = parseCdrParams(new URLSearchParams({ cursor: encodeCursor(query, { ms: from, siteId: 'site_0000000000000000', seq }) }), now);
        expect(r).toMatchObject({ ok: true, value: { query } });
      }),
    ));

  it('any query string gives bounded CDR and statistics requests or a message', () =>
    check(
      fc.property(fc.dictionary(fc.constantFrom('siteId', 'from', 'to', 'type', 'caller', 'limit', 'groupBy', 'timezone', 'slSeconds'), nastyString(30), { maxKeys: 5 }), (params) => {
        for (const r of [parseCdrParams(new URLSearchParams(params), now), parseStatsParams(new URLSearchParams(params), now)]) {
          if (!r.ok) expect(typeof r.message).toBe('string');
          else {
            const range = 'query' in r.value ? r.value.query : r.value;
            expect(range.toMs - range.fromMs).toBeLessThanOrEqual((MAX_RANGE_DAYS + 1) * DAY);
          }
        }
      }),
    ));
});

describe('tunnel frames', () => {
  const frame = fc.record({
    t: fc.constantFrom('hello', 'events', 'ack', 'reply', 'part', 'command', 'ping', 'nope'),
    v: fc.oneof(fc.integer(), fc.double()),
    seq: fc.oneof(fc.integer({ min: -2, max: 1e6 }), fc.double(), fc.constant(1e300), fc.constant(2 ** 53)),
    lastSeq: fc.oneof(fc.integer({ min: 0, max: 1e6 }), fc.constant(1e300)),
    events: fc.array(fc.record({ seq: fc.oneof(fc.nat(), fc.constant(1e300)), event: fc.record({ event: fc.constantFrom('hangup', 'x') }) }), { maxLength: 3 }),
    relay: nastyString(10),
    amiConnected: fc.boolean(),
  }, { requiredKeys: ['t'] });

  it('a frame is refused with a FrameError or comes out with safe-integer seqs', () =>
    check(
      fc.property(fc.oneof(frame.map((f) => JSON.stringify(f)), nastyString(100)), (text) => {
        for (const decode of [decodeRelayFrame, decodeCloudFrame]) {
          let out: Record<string, unknown>;
          try {
            out = decode(text) as unknown as Record<string, unknown>;
          } catch (err) {
            expect(err).toBeInstanceOf(FrameError);
            continue;
          }
          const seqs = [out.seq, out.lastSeq, ...((out.events as Array<{ seq: unknown }> | undefined) ?? []).map((e) => e.seq)].filter((s) => s !== undefined);
          for (const s of seqs) expect(Number.isSafeInteger(s)).toBe(true);
        }
      }),
    ));
});

describe('webhook address guard', () => {
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
  const hex = (a: number, b: number) => ((a << 8) | b).toString(16);
  /** Each IPv6 form that carries an IPv4 address, written with it. */
  const forms: Array<[string, (x: number[]) => string]> = [
    ['IPv4-mapped', (x) => `::ffff:${x.join('.')}`],
    ['IPv4-translated', (x) => `::ffff:0:${x.join('.')}`],
    ['NAT64', (x) => `64:ff9b::${hex(x[0], x[1])}:${hex(x[2], x[3])}`],
    ['6to4', (x) => `2002:${hex(x[0], x[1])}:${hex(x[2], x[3])}::1`],
    ['Teredo client', (x) => `2001:0:5db8:d822:8000:63bf:${hex(x[0] ^ 0xff, x[1] ^ 0xff)}:${hex(x[2] ^ 0xff, x[3] ^ 0xff)}`],
  ];

  it('judges every embedding form by the IPv4 address inside', () =>
    check(
      fc.property(v4, fc.constantFrom(...forms), (x, [, write]) => {
        expect(isForbiddenAddress(write(x)), write(x)).toBe(isForbiddenAddress(x.join('.')));
      }),
    ));

  it('refuses a NAT64 local-use address whose IPv4 is forbidden, at whatever prefix length it sits', () =>
    check(
      fc.property(v4.filter((x) => isForbiddenAddress(x.join('.'))), (x) => {
        expect(isForbiddenAddress(`64:ff9b:1::${hex(x[0], x[1])}:${hex(x[2], x[3])}`)).toBe(true);
        expect(isForbiddenAddress(`64:ff9b:1:${hex(x[0], x[1])}:${hex(0, x[2])}:${hex(x[3], 0)}::`)).toBe(true);
      }),
    ));
});
