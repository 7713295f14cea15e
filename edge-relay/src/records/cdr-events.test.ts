import { describe, expect, it } from 'vitest';
import type { CdrEvent } from '../../../protocol/src/events/box-events.js';
import { LAB_TIMEZONE, RESTART_TRANSCRIPTS, restartFile, restartMessages } from '../../../test/helpers/asterisk-records.js';
import type { MapperConfig } from '../events/context.js';
import { EventMapper } from '../events/mapper.js';
import { CDR_CSV_RECOMMENDED, CdrCsvDecoder, type CdrCsvRow } from './cdr-csv.js';
import { cdrEventsFromRows } from './cdr-events.js';

/** The relay's configuration for the lab (test/fixtures/expected/api.conf). */
const config: MapperConfig = {
  mac: '68:69:2e:03:8b:3e',
  trunks: ['trunk-provider'],
  inboundContexts: ['from-trunk'],
  feedbackContext: 'feedback',
  timezone: LAB_TIMEZONE,
  monitorDir: '/opt/asterisk-lab/install-20.x/var/spool/asterisk/monitor',
  ivr: new Map([['ivr-main', { id: '700', name: 'Main menu' }]]),
  pausetime: false,
  wrapupSeconds: 30,
};

function amiCdrs(name: (typeof RESTART_TRANSCRIPTS)[number]): CdrEvent[] {
  const mapper = new EventMapper(config);
  const out: CdrEvent[] = [];
  for (const m of restartMessages(name)) {
    for (const e of mapper.map(m, 0).events) if (e.event === 'cdr') out.push(e);
  }
  return out;
}

function csvRows(name: (typeof RESTART_TRANSCRIPTS)[number]): CdrCsvRow[] {
  return new CdrCsvDecoder(CDR_CSV_RECOMMENDED).push(restartFile(name, 'Master.csv')).map((i) => {
    if (!i.ok) throw i.error;
    return i.record;
  });
}

describe('Master.csv rows give the same box cdr as the AMI Cdr events of the same calls', () => {
  for (const name of RESTART_TRANSCRIPTS) {
    it(`${name}: every field equal; timestamp to the second`, () => {
      const fromAmi = amiCdrs(name);
      // A relay that was down knows nothing of these channels: a fresh mapper.
      const fromCsv = cdrEventsFromRows(new EventMapper(config), csvRows(name), { settings: CDR_CSV_RECOMMENDED, timezone: LAB_TIMEZONE });
      expect(fromCsv.length).toBe(fromAmi.length);
      expect(fromAmi.length).toBeGreaterThan(0);
      fromCsv.forEach(({ event }, i) => {
        const ami = fromAmi[i];
        expect({ ...event, timestamp: '' }).toEqual({ ...ami, timestamp: '' });
        // Same key order as the AMI path (the box's JSON order).
        expect(Object.keys(event)).toEqual(Object.keys(ami));
        expect(event.timestamp).toBe(`${Math.floor(Number(ami.timestamp))}.000000`);
      });
    });
  }

  it('stamps every row of a queue caller with the time its batch was posted (the caller hung up), as AMI does', () => {
    const fromCsv = cdrEventsFromRows(new EventMapper(config), csvRows('restart-midcall-queue'), { settings: CDR_CSV_RECOMMENDED, timezone: LAB_TIMEZONE });
    const caller = fromCsv.filter((b) => b.event.uniqueid === '1796593201.373');
    expect(caller.map((b) => b.event.endtime)).toEqual(['2026-12-06 21:40:01', '2026-12-06 21:40:03', '2026-12-06 21:40:11', '2026-12-06 21:40:13', '2026-12-06 21:40:15', '2026-12-06 21:40:26']);
    expect(new Set(caller.map((b) => b.postedAtSec))).toEqual(new Set([1796593226]));
  });

  it('with usegmtime the dates are turned into the PBX zone first (what cdr_manager prints)', () => {
    const gmt = { ...CDR_CSV_RECOMMENDED, usegmtime: true };
    const [row] = csvRows('restart-midcall-ivr-trunk');
    const berlin = { ...config, timezone: 'Europe/Berlin' };
    const [b] = cdrEventsFromRows(new EventMapper(berlin), [row], { settings: gmt, timezone: 'Europe/Berlin' });
    expect([b.event.starttime, b.event.endtime, b.postedAtSec]).toEqual(['2026-12-06 22:41:42', '2026-12-06 22:41:56', 1796593316]);
  });
});
