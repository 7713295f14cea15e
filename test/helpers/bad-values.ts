/**
 * Values that pass a loose "1-64 safe characters" check but mean nothing to a
 * PBX (or worse): what a client sends when it serialises a missing value
 * (`null`, `undefined`, `NaN`, `Infinity`), path steps, negative numbers,
 * dial-string and ChanSpy syntax, AstDB tree separators, dialplan patterns.
 * Every box field must refuse each of them.
 */
export const BAD_FIELD_VALUES: readonly string[] = [
  '.',
  '..',
  '...',
  'null',
  'NULL',
  'undefined',
  'NaN',
  'Infinity',
  '-Infinity',
  'true',
  '[object Object]',
  '-1',
  '-',
  '../801',
  '801/..',
  'SIP/801',
  '801@from-internal',
  '801,qE',
  '801&SIP/802',
  '_X.',
  '801 802',
  ' ',
  '80\u00e91',
  '8'.repeat(200),
];
