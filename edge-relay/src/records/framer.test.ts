import { describe, expect, it } from 'vitest';
import { prng, randomChunks } from '../../../test/helpers/random.js';
import { RecordFramer, type Framed } from './framer.js';

const texts = (fs: Framed[]) => fs.map((f) => (f.ok ? f.text : `!${f.error.code}`));

describe('RecordFramer', () => {
  it('gives out only complete lines: a torn last line waits, and its offset is not passed', () => {
    const first = '1|a|q|NONE|ENTERQUEUE||801|1\n';
    const torn = '1|a|q|NONE|CONN';
    const f = new RecordFramer({ mode: 'line' });
    expect(texts(f.push(Buffer.from(first + torn)))).toEqual([first.trim()]);
    expect(f.offset).toBe(first.length);
    expect(f.pendingBytes).toBe(torn.length);
    const rest = f.push(Buffer.from('ECT|2|b|1\n'));
    expect(rest).toEqual([{ ok: true, text: '1|a|q|NONE|CONNECT|2|b|1', start: first.length, end: first.length + torn.length + 10 }]);
    expect(f.offset).toBe(first.length + torn.length + 10);
    expect(f.pendingBytes).toBe(0);
  });

  it('csv: an LF inside a quoted value does not end the record, across chunk borders', () => {
    const a = '"a","line one\nline two ""quoted"""';
    const f = new RecordFramer({ mode: 'csv', startOffset: 100 });
    const out = [...f.push(Buffer.from(a.slice(0, 18))), ...f.push(Buffer.from(a.slice(18) + '\n"b"\n'))];
    expect(out).toEqual([
      { ok: true, text: a, start: 100, end: 101 + a.length },
      { ok: true, text: '"b"', start: 101 + a.length, end: 105 + a.length },
    ]);
  });

  it('keeps UTF-8 characters whole when a chunk ends inside one', () => {
    const bytes = Buffer.from('"Jürgen Ğ 電話",1\n');
    for (let cut = 1; cut < bytes.length; cut++) {
      const f = new RecordFramer({ mode: 'csv' });
      expect(texts([...f.push(bytes.subarray(0, cut)), ...f.push(bytes.subarray(cut))])).toEqual(['"Jürgen Ğ 電話",1']);
    }
  });

  it('skips an over-long record to its LF, says where, and goes on with the next', () => {
    const f = new RecordFramer({ mode: 'csv', maxRecordBytes: 32 });
    // An unbalanced quote would otherwise swallow the rest of the file.
    const junk = `"never closed ${'x'.repeat(60)}\n`;
    const out = [...f.push(Buffer.from(junk.slice(0, 20))), ...f.push(Buffer.from(junk.slice(20) + '"ok"\n'))];
    expect(texts(out)).toEqual(['!RECORDS_TOO_LONG', '"ok"']);
    expect(out[0]).toMatchObject({ start: 0, end: junk.length });
    expect(out[1]).toMatchObject({ start: junk.length, end: junk.length + 5 });
    expect(f.pendingBytes).toBe(0);
  });

  it('holds at most the bound while skipping', () => {
    const f = new RecordFramer({ mode: 'line', maxRecordBytes: 1024 });
    for (let i = 0; i < 100; i++) f.push(Buffer.alloc(4096, 0x41));
    expect(f.push(Buffer.from('\nnext\n')).map((r) => r.ok)).toEqual([false, true]);
  });

  it('drops a CR before the LF (a file that went through a Windows tool)', () => {
    expect(texts(new RecordFramer({ mode: 'line' }).push(Buffer.from('a\r\nb\n')))).toEqual(['a', 'b']);
  });

  it('property: any chunking of any records gives the same records and offsets', () => {
    const rnd = prng(20261206);
    for (let run = 0; run < 200; run++) {
      const records: string[] = [];
      for (let i = 0, n = 1 + Math.floor(rnd() * 8); i < n; i++) {
        const fields = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => {
          const alphabet = ['a', 'b', ',', '"', '\n', 'é', '|', ' ', '1'];
          const v = Array.from({ length: Math.floor(rnd() * 12) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
          return `"${v.replace(/"/g, '""')}"`;
        });
        records.push(fields.join(','));
      }
      const bytes = Buffer.from(records.map((r) => r + '\n').join(''));
      const torn = Buffer.from('"unfinished');
      const f = new RecordFramer({ mode: 'csv' });
      const out: Framed[] = [];
      for (const c of randomChunks(Buffer.concat([bytes, torn]), rnd, 9)) out.push(...f.push(c));
      expect(texts(out)).toEqual(records);
      expect(f.offset).toBe(bytes.length);
      expect(f.pendingBytes).toBe(torn.length);
      let at = 0;
      for (const r of out) {
        expect(r.start).toBe(at);
        at = r.end;
      }
    }
  });
});
