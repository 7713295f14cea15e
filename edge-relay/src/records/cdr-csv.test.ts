import { describe, expect, it } from 'vitest';
import { labFile, RESTART_TRANSCRIPTS, restartFile } from '../../../test/helpers/asterisk-records.js';
import { prng, randomChunks } from '../../../test/helpers/random.js';
import {
  CDR_CSV_DEFAULTS,
  CDR_CSV_RECOMMENDED,
  CdrCsvDecoder,
  cdrCsvSettings,
  cdrRowInPbxTime,
  formatCdrCsvRecord,
  parseCdrCsvRecord,
  type CdrCsvItem,
  type CdrCsvRow,
  type CdrCsvSettings,
} from './cdr-csv.js';

const lab = cdrCsvSettings(labFile('cdr.conf').toString())!;

function decodeAll(bytes: Buffer, settings: CdrCsvSettings, chunk = 1 << 20, seed = 1): { items: CdrCsvItem[]; decoder: CdrCsvDecoder } {
  const decoder = new CdrCsvDecoder(settings);
  const items: CdrCsvItem[] = [];
  for (const c of randomChunks(bytes, prng(seed), chunk)) items.push(...decoder.push(c));
  return { items, decoder };
}

const rowsOf = (items: CdrCsvItem[]) => items.map((i) => (i.ok ? i.record : i.error));

describe("Master.csv as Asterisk 20's cdr_csv wrote it", () => {
  const files = [
    ['lab', labFile('Master.csv'), 170],
    ...RESTART_TRANSCRIPTS.map((n) => [n, restartFile(n, 'Master.csv'), n === 'restart-midcall-queue' ? 16 : n === 'restart-midcall-queue-abandon' ? 18 : 2] as const),
  ] as const;

  it("reads the lab's cdr.conf: uniqueid and userfield logged, local time", () => {
    expect(lab).toEqual({ loguniqueid: true, loguserfield: true, newcdrcolumns: false, usegmtime: false, accountlogs: false });
  });

  it("uses cdr_csv's defaults for what cdr.conf leaves out, and knows when no Master.csv is written", () => {
    expect(cdrCsvSettings('[csv]\nusegmtime = on\n')).toEqual({ ...CDR_CSV_DEFAULTS, usegmtime: true });
    expect(cdrCsvSettings('[general]\nenable = yes\n')).toBeUndefined();
    expect(cdrCsvSettings('[general]\nenable = no\n[csv]\nloguniqueid = yes\n')).toBeUndefined();
  });

  for (const [name, bytes, rows] of files) {
    it(`${name}: every record parses, in any chunking, and writes back byte for byte`, () => {
      for (const [chunk, seed] of [[1 << 20, 1], [7, 2], [1, 3]] as const) {
        const { items, decoder } = decodeAll(bytes, lab, chunk, seed);
        expect(items.filter((i) => !i.ok)).toEqual([]);
        expect(items).toHaveLength(rows);
        expect(decoder.offset).toBe(bytes.length);
        for (const i of items) expect(formatCdrCsvRecord((i as { record: CdrCsvRow }).record, lab)).toBe(bytes.subarray(i.start, i.end).toString('utf8'));
      }
    });
  }

  it('gives the fields their meaning (quoted caller id, empty answer of an unanswered dial, counts bare)', () => {
    const { items } = decodeAll(labFile('Master.csv'), lab);
    const busy = rowsOf(items)[2] as CdrCsvRow;
    expect(busy).toEqual({
      accountCode: '',
      source: '801',
      destination: '805',
      destinationContext: 'from-internal',
      callerId: '"Bob Caller" <801>',
      channel: 'SIP/801-00000004',
      destinationChannel: 'SIP/805-00000005',
      lastApplication: 'Dial',
      lastData: 'SIP/805,20',
      startTime: '2026-12-06 20:13:10',
      answerTime: '',
      endTime: '2026-12-06 20:13:10',
      duration: '0',
      billableSeconds: '0',
      disposition: 'BUSY',
      amaFlags: 'DOCUMENTATION',
      uniqueId: '1796587990.6',
      userField: 'internal:801:805',
    });
  });

  it('a torn last record (Asterisk still writing it) is not consumed; its bytes come back complete later', () => {
    const bytes = labFile('Master.csv');
    const lastStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
    for (const cut of [lastStart + 1, lastStart + 40, bytes.length - 1]) {
      const decoder = new CdrCsvDecoder(lab);
      const first = decoder.push(bytes.subarray(0, cut));
      expect(first).toHaveLength(169);
      expect(decoder.offset).toBe(lastStart);
      const rest = decoder.push(bytes.subarray(cut));
      expect(rest.map((i) => i.ok && i.record.uniqueId)).toEqual(['1796588953.16']);
    }
  });

  it("says which cdr.conf settings disagree with the file, record by record, and goes on", () => {
    const { items } = decodeAll(labFile('Master.csv'), CDR_CSV_DEFAULTS);
    expect(items).toHaveLength(170);
    for (const i of items) {
      expect(i.ok).toBe(false);
      if (!i.ok) {
        expect(i.error.code).toBe('RECORDS_CSV_COLUMNS');
        expect(i.error.message).toContain('has 18 fields');
        expect(i.error.message).toContain('loguniqueid=no');
        expect(i.error.offset).toBe(i.start);
      }
    }
  });
});

describe('parseCdrCsvRecord', () => {
  it('refuses quoting cdr_csv never writes, and values that are not dates or numbers', () => {
    const good = formatCdrCsvRecord(sampleRow(), lab).trimEnd();
    expect(parseCdrCsvRecord(good, lab).ok).toBe(true);
    const cases: Array<[string, string]> = [
      [good.replace('"801"', '"80"1"'), 'RECORDS_CSV_QUOTING'],
      [good.replace('"801"', '80"1'), 'RECORDS_CSV_QUOTING'],
      [good.slice(0, good.length - 1), 'RECORDS_CSV_QUOTING'],
      [good.replace(',5,', ',five,'), 'RECORDS_CSV_VALUE'],
      [good.replace('"2026-12-06 20:11:12"', '"06/12/2026 20:11"'), 'RECORDS_CSV_VALUE'],
      [good + ',"extra"', 'RECORDS_CSV_COLUMNS'],
    ];
    for (const [text, code] of cases) {
      const p = parseCdrCsvRecord(text, lab, 1234);
      expect(p.ok ? 'ok' : p.error.code, text).toBe(code);
      if (!p.ok) expect(p.error.offset).toBe(1234);
    }
  });

  it('property: every row survives write then read, for every layout cdr.conf can ask for', () => {
    const rnd = prng(4711);
    const alphabet = ['a', 'Z', '0', ',', '"', ' ', '<', '>', 'ü', '\n', '|', ';'];
    const text = () => Array.from({ length: Math.floor(rnd() * 10) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
    for (let run = 0; run < 300; run++) {
      const settings: CdrCsvSettings = { ...CDR_CSV_DEFAULTS, loguniqueid: rnd() < 0.5, loguserfield: rnd() < 0.5, newcdrcolumns: rnd() < 0.3 };
      const row: CdrCsvRow = { ...sampleRow(), callerId: text(), lastData: text(), userField: settings.loguserfield ? text() : '', uniqueId: settings.loguniqueid ? `${run}.${run}` : '' };
      if (rnd() < 0.5) row.answerTime = '';
      if (settings.newcdrcolumns) Object.assign(row, { peerAccount: text(), linkedId: '1796587872.0', sequence: String(run) });
      const written = formatCdrCsvRecord(row, settings);
      const { items } = decodeAll(Buffer.from(written + written), settings, 5, run);
      expect(rowsOf(items)).toEqual([row, row]);
    }
  });
});

describe('cdrRowInPbxTime', () => {
  it('turns usegmtime dates into the PBX zone, as cdr_manager prints them', () => {
    const gmt = { ...CDR_CSV_RECOMMENDED, usegmtime: true };
    const row = cdrRowInPbxTime({ ...sampleRow(), answerTime: '' }, gmt, 'Europe/Berlin');
    expect([row.startTime, row.answerTime, row.endTime]).toEqual(['2026-12-06 21:11:12', '', '2026-12-06 21:11:18']);
    expect(cdrRowInPbxTime(sampleRow(), lab, 'Europe/Berlin')).toEqual(sampleRow());
  });
});

function sampleRow(): CdrCsvRow {
  return {
    accountCode: '',
    source: '801',
    destination: '802',
    destinationContext: 'from-internal',
    callerId: '"Bob Caller" <801>',
    channel: 'SIP/801-00000000',
    destinationChannel: 'SIP/802-00000001',
    lastApplication: 'Dial',
    lastData: 'SIP/802,20',
    startTime: '2026-12-06 20:11:12',
    answerTime: '2026-12-06 20:11:14',
    endTime: '2026-12-06 20:11:18',
    duration: '5',
    billableSeconds: '4',
    disposition: 'ANSWERED',
    amaFlags: 'DOCUMENTATION',
    uniqueId: '1796587872.0',
    userField: 'internal:801:802',
  };
}
