import { describe, expect, it } from 'vitest';
import { labFile, RESTART_TRANSCRIPTS, restartFile } from '../../../test/helpers/asterisk-records.js';
import { prng, randomChunks } from '../../../test/helpers/random.js';
import {
  formatQueueLogLine,
  parseQueueLogLine,
  QueueLogDecoder,
  queueLogDataCounts,
  queueLogField,
  queueLogNumber,
  queueLogSettings,
  type QueueLogItem,
  type QueueLogLine,
} from './queue-log.js';

function decodeAll(bytes: Buffer, maxChunk: number, seed: number): QueueLogItem[] {
  const d = new QueueLogDecoder();
  const out: QueueLogItem[] = [];
  for (const c of randomChunks(bytes, prng(seed), maxChunk)) out.push(...d.push(c));
  return out;
}

const linesOf = (items: QueueLogItem[]) => items.map((i) => (i.ok ? i.record : i.error));

describe("queue_log as Asterisk 20's app_queue wrote it", () => {
  const files = [
    ['lab', labFile('queue_log'), 214],
    ['restart-midcall-queue', restartFile('restart-midcall-queue', 'queue_log'), 24],
    ['restart-midcall-queue-abandon', restartFile('restart-midcall-queue-abandon', 'queue_log'), 26],
  ] as const;

  for (const [name, bytes, count] of files) {
    it(`${name}: every line parses in any chunking, has app_queue's data fields, and writes back byte for byte`, () => {
      for (const [chunk, seed] of [[1 << 20, 1], [5, 2], [1, 3]] as const) {
        const items = decodeAll(bytes, chunk, seed);
        expect(items.filter((i) => !i.ok)).toEqual([]);
        expect(items).toHaveLength(count);
        for (const i of items) {
          const line = (i as { record: QueueLogLine }).record;
          expect(formatQueueLogLine(line)).toBe(bytes.subarray(i.start, i.end).toString('utf8'));
          // Every event Asterisk wrote is one app_queue's table knows.
          expect(queueLogDataCounts(line.event), line.event).toBeDefined();
        }
      }
    });
  }

  it('the IVR-only transcript wrote no queue_log line', () => {
    expect(restartFile(RESTART_TRANSCRIPTS[2], 'queue_log').length).toBe(0);
  });

  it('names the data fields as app_queue writes them', () => {
    const items = linesOf(decodeAll(labFile('queue_log'), 1 << 20, 1)) as QueueLogLine[];
    const enter = items[1];
    expect(enter).toEqual({ time: 1796588026, callid: '1796588026.15', queue: '630', agent: 'NONE', event: 'ENTERQUEUE', data: ['', '800', '1'] });
    expect(queueLogField(enter, 'callerid')).toBe('800');
    expect(queueLogNumber(enter, 'position')).toBe(1);
    const connect = items[3];
    expect([connect.agent, queueLogNumber(connect, 'holdtime'), queueLogField(connect, 'bridgedchanneluniqueid'), queueLogNumber(connect, 'ringtime')]).toEqual(['Eve Agent', 10, '1796588034.18', 1]);
    const complete = items[4];
    expect([complete.event, queueLogNumber(complete, 'holdtime'), queueLogNumber(complete, 'calltime'), queueLogNumber(complete, 'origposition')]).toEqual(['COMPLETECALLER', 10, 10, 1]);
    expect(items[0]).toEqual({ time: 1796587838, callid: 'NONE', queue: 'NONE', agent: 'NONE', event: 'QUEUESTART', data: [''] });
  });

  it('counts transfer times from the end (ATTENDEDTRANSFER LINK has one field more)', () => {
    const link = parseQueueLogLine('1796590000|1796589990.5|630|Eve Agent|ATTENDEDTRANSFER|LINK|SIP/804-0000000a|SIP/802-0000000b|4|30|1');
    const bridge = parseQueueLogLine('1796590000|1796589990.5|630|Eve Agent|ATTENDEDTRANSFER|BRIDGE|abc-123|4|30|1');
    for (const p of [link, bridge]) {
      expect(p.ok).toBe(true);
      if (p.ok) expect([queueLogNumber(p.record, 'holdtime'), queueLogNumber(p.record, 'calltime'), queueLogNumber(p.record, 'origposition')]).toEqual([4, 30, 1]);
    }
  });

  it('reports a line that is not queue_log, or a known event with fields app_queue never writes, and keeps going', () => {
    const bytes = Buffer.from(['garbage', '1796588032|1796588026.15|630|Dave Agent|RINGNOANSWER|6000|extra', '1796588032|x|630|A|MYEVENT|a|b|c|d|e|f', '1796588036|1796588026.15|630|Eve Agent|CONNECT|10|1796588034.18|1', ''].join('\n'));
    const items = decodeAll(bytes, 3, 9);
    expect(items.map((i) => (i.ok ? i.record.event : i.error.code))).toEqual(['RECORDS_QUEUE_LOG_LINE', 'RECORDS_QUEUE_LOG_DATA', 'MYEVENT', 'CONNECT']);
    const data = items[1];
    if (!data.ok) expect(data.error.message).toBe('queue_log RINGNOANSWER has 2 data fields, app_queue writes 1 (offset 8)');
  });

  it('a torn last line is held until its LF arrives', () => {
    const line = '1796588046|1796588026.15|630|Eve Agent|COMPLETECALLER|10|10|1\n';
    const d = new QueueLogDecoder({ startOffset: 500 });
    expect(d.push(Buffer.from(line.slice(0, -4)))).toEqual([]);
    expect(d.offset).toBe(500);
    const [item] = d.push(Buffer.from(line.slice(-4)));
    expect(item.ok && queueLogNumber(item.record, 'calltime')).toBe(10);
    expect(d.offset).toBe(500 + line.length);
  });
});

describe('queueLogSettings (logger.conf)', () => {
  it("reads the lab's: queue_log on, to a file called queue_log", () => {
    expect(queueLogSettings(labFile('logger.conf').toString())).toEqual({ enabled: true, toFile: true, name: 'queue_log' });
  });

  it("uses logger.c's defaults for what is not set", () => {
    expect(queueLogSettings('[general]\n')).toEqual({ enabled: true, toFile: false, name: 'queue_log' });
    expect(queueLogSettings('[general]\nqueue_log = no\nqueue_log_name = qlog\n')).toEqual({ enabled: false, toFile: false, name: 'qlog' });
  });
});
