import { describe, expect, it } from 'vitest';
import { BOX_COLUMNS, csvField, csvHeader, csvLine, csvRow } from './csv.js';

describe('CSV encoding', () => {
  it('quotes fields with commas, quotes, CR or LF and doubles quotes (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('"808" <808>')).toBe('"""808"" <808>"');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('lf\nonly')).toBe('"lf\nonly"');
    expect(csvField('')).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(0)).toBe('0');
  });

  it('defuses formulas with a leading quote', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+4930123')).toBe("'+4930123");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('a=b')).toBe('a=b');
  });

  it('ends lines with CRLF and writes the envelope then the box fields', () => {
    expect(csvLine(['a', 'b'])).toBe('a,b\r\n');
    expect(csvHeader('cdr')).toBe(`id,siteId,seq,occurredAt,${BOX_COLUMNS.cdr.join(',')}\r\n`);
    expect(csvHeader('cc_cdr').startsWith('id,siteId,seq,occurredAt,uuid,caller,called,queueCode,agentCode,')).toBe(true);
    const line = csvRow('cc_cdr', {
      id: 'evt_s_1',
      siteId: 's',
      seq: 1,
      type: 'cc_cdr',
      occurredAt: '2026-11-24T09:00:00.000Z',
      data: { event: 'cc_cdr', holdTime: 7, caller: '0612' } as never,
    });
    const cells = line.trimEnd().split(',');
    expect(cells.slice(0, 6)).toEqual(['evt_s_1', 's', '1', '2026-11-24T09:00:00.000Z', '', '0612']);
    expect(cells[4 + BOX_COLUMNS.cc_cdr.indexOf('holdTime')]).toBe('7');
    expect(cells).toHaveLength(4 + BOX_COLUMNS.cc_cdr.length);
  });
});
