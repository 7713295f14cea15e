import { describe, expect, it } from 'vitest';
import { BoxApiError } from './errors.js';
import { field, parseUrlEncoded, pauseState } from './forms.js';
import { safeRecordingPath } from './recording-path.js';
import { calendarDate, checkWebkey, webkeyToken } from './webkey.js';

const status = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as BoxApiError).status;
  }
  return 200;
};

describe('WEBKEY authentication', () => {
  // 2026-11-24 10:00 UTC
  const now = Date.UTC(2026, 10, 24, 10, 0, 0);

  it('accepts md5(WEBKEY + today) in lower or upper case hex', () => {
    const token = webkeyToken('asjdfjklkasdf', '2026-11-24');
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(checkWebkey(token, 'asjdfjklkasdf', now, 'UTC')).toBe(true);
    expect(checkWebkey(token.toUpperCase(), 'asjdfjklkasdf', now, 'UTC')).toBe(true);
  });

  it("refuses yesterday's token, a wrong key and a missing header", () => {
    expect(checkWebkey(webkeyToken('asjdfjklkasdf', '2026-11-23'), 'asjdfjklkasdf', now, 'UTC')).toBe(false);
    expect(checkWebkey(webkeyToken('other', '2026-11-24'), 'asjdfjklkasdf', now, 'UTC')).toBe(false);
    expect(checkWebkey(undefined, 'asjdfjklkasdf', now, 'UTC')).toBe(false);
    expect(checkWebkey('short', 'asjdfjklkasdf', now, 'UTC')).toBe(false);
  });

  it("uses the PBX's calendar date, not UTC's", () => {
    const lateUtc = Date.UTC(2026, 10, 24, 23, 30, 0);
    expect(calendarDate(lateUtc, 'UTC')).toBe('2026-11-24');
    expect(calendarDate(lateUtc, 'Europe/Berlin')).toBe('2026-11-25');
    expect(checkWebkey(webkeyToken('k', '2026-11-25'), 'k', lateUtc, 'Europe/Berlin')).toBe(true);
  });
});

describe('form fields', () => {
  it('parses urlencoded forms strictly', () => {
    expect(parseUrlEncoded('queue=630&member=808&state=on')).toEqual({ queue: '630', member: '808', state: 'on' });
    expect(parseUrlEncoded('dst=%2B4930123+45')).toEqual({ dst: '+4930123 45' });
    expect(status(() => parseUrlEncoded('dst=%ZZ'))).toBe(400);
  });

  it('refuses CR/LF and anything an extension never has, naming the field', () => {
    // 79 characters is Asterisk's longest extension (AST_MAX_EXTENSION 80 with its NUL).
    expect(field({ extension: '8'.repeat(79) }, 'extension', 'extension')).toBe('8'.repeat(79));
    for (const bad of ['802\r\nAction: Originate', '802\n', '80 2', 'SIP/802', '8'.repeat(80), '']) {
      expect(status(() => field({ extension: bad }, 'extension', 'extension'))).toBe(400);
    }
    expect(() => field({}, 'src', 'extension')).toThrow('missing field src');
    expect(field({ dst: '+49 ' }, 'dst', 'number')).toBe('+49');
    expect(status(() => field({ queue: '630;x' }, 'queue', 'queue'))).toBe(400);
  });

  it('maps state on/off and refuses anything else', () => {
    expect(pauseState({ state: 'on' })).toBe(true);
    expect(pauseState({ state: 'OFF' })).toBe(false);
    expect(status(() => pauseState({ state: 'pause' }))).toBe(400);
    expect(status(() => pauseState({}))).toBe(400);
  });
});

describe('recording paths', () => {
  it('keeps ordinary relative paths', () => {
    expect(safeRecordingPath('20261124-093722-801-802-1795513042.15.wav')).toBe('20261124-093722-801-802-1795513042.15.wav');
    expect(safeRecordingPath('2026/11/24/call%201.wav')).toBe('2026/11/24/call 1.wav');
  });

  it.each([
    '../etc/passwd',
    '..%2F..%2Fetc%2Fpasswd',
    '%2e%2e/%2e%2e/etc/passwd',
    '%2E%2E%2Fsecret',
    'a/../../b',
    '%2Fetc%2Fpasswd',
    '/etc/passwd',
    '..%5C..%5Cwindows',
    'x%00.wav',
    '%252e%252e/x',
    'a//b',
    './a',
    'C:%5Cboot.ini',
    '%E0%A4%A',
  ])('refuses %s', (raw) => {
    expect(status(() => safeRecordingPath(raw))).toBe(400);
  });
});
