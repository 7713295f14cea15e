/**
 * The shape of every box field, declared once: what Asterisk accepts for it,
 * not merely "safe characters". A value that fits no shape gets a 400 naming
 * the field and saying what it must be, at the HTTP edge (LAN and cloud) and
 * again on the relay for commands arriving over the tunnel (commands.ts
 * tags each command's fields with these kinds).
 *
 * Lengths: Asterisk keeps extensions, contexts and peer names in buffers of
 * AST_MAX_EXTENSION = 80 bytes with the terminating NUL, so 79 characters.
 */

export type FieldKind = 'extension' | 'number' | 'queue' | 'blacklistNumber';

/** Longest value of any field (AST_MAX_EXTENSION − 1). */
export const MAX_FIELD_CHARS = 79;

interface Shape {
  readonly pattern: RegExp;
  /** What a valid value is, in the words of the 400 answer. */
  readonly describe: string;
  /** Names Asterisk gives a meaning of its own (compared case-insensitively). */
  readonly reserved?: readonly string[];
}

export const FIELD_SHAPES: Readonly<Record<FieldKind, Shape>> = {
  /**
   * A SIP peer / PJSIP endpoint: the `SIP/<extension>` of an Originate or a
   * queue member, and ChanSpy's argument. No `/ @ , & :` (dial-string and
   * ChanSpy syntax), no `.` (path steps, dialplan wildcards).
   */
  extension: {
    pattern: /^[0-9A-Za-z][0-9A-Za-z_-]{0,78}$/,
    describe: 'an extension (SIP peer or PJSIP endpoint): 1-79 letters, digits, _ or -, starting with a letter or digit',
  },
  /** What click-to-call and transfer dial in the relay's context: a number or a feature code. */
  number: {
    pattern: /^(?=.{1,79}$)\+?[0-9*#]+$/,
    describe: 'a number to dial: 1-79 digits, * or #, optionally after a leading +',
  },
  /** A queue of queues.conf; its [general] section is the module's settings, not a queue. */
  queue: {
    pattern: /^(?=.{1,79}$)[0-9A-Za-z](?:[0-9A-Za-z_-]|\.(?!\.))*$/,
    describe: 'a queue name from queues.conf: 1-79 letters, digits, _ - or single dots, starting with a letter or digit',
    reserved: ['general'],
  },
  /**
   * A caller number in the blacklist: an AstDB key under the blacklist
   * family, so no `/` (it would address another key of the tree).
   * `anonymous` and the like are caller ids too.
   */
  blacklistNumber: {
    pattern: /^(?=.{1,79}$)\+?[0-9A-Za-z*#][0-9A-Za-z*#_-]*$/,
    describe: 'a caller number: 1-79 letters, digits, * # _ or -, optionally after a leading + (it is an AstDB key: no /)',
  },
};

/**
 * What a client sends when it serialises a missing or non-numeric value
 * (JavaScript's String(null), String(1/0), …): never a PBX's extension,
 * queue or number, even where the characters would fit.
 */
const PLACEHOLDERS = /^(?:null|undefined|nan|[+-]?infinity|true|false|\[object object\])$/i;

/** The value when it has the shape of its kind; else the reason, for `invalid <name>: <reason>`. */
export function checkShape(kind: FieldKind, value: string): { ok: true } | { ok: false; reason: string } {
  const shape = FIELD_SHAPES[kind];
  if (PLACEHOLDERS.test(value)) return { ok: false, reason: `${JSON.stringify(value)} is a placeholder, not a value (${shape.describe})` };
  if (shape.reserved?.includes(value.toLowerCase())) return { ok: false, reason: `${JSON.stringify(value)} is reserved by Asterisk (${shape.describe})` };
  if (!shape.pattern.test(value)) return { ok: false, reason: shape.describe };
  return { ok: true };
}
