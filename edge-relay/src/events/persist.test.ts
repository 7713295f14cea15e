/**
 * The mapper's saved state is enough to go on: a mapper stopped anywhere in a
 * real recording, its state passed through JSON (a checkpoint, then deltas,
 * as the journal writes them) into a new mapper, gives the same events for
 * the rest of the recording as one that never stopped.
 */
import { describe, expect, it } from 'vitest';
import { AmiDecoder } from '../../../ami-codec/src/decoder.js';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { loadRecording } from '../../../test/helpers/recordings.js';
import { recordedEvents, withTimestamp } from '../../../test/helpers/replay-ami.js';
import type { MapperConfig } from './context.js';
import { EventMapper, type MapResult } from './mapper.js';
import type { MapperDelta } from './persist.js';

const config: MapperConfig = {
  mac: '68:69:2e:03:8b:3e',
  trunks: ['trunk-provider'],
  inboundContexts: ['from-trunk'],
  feedbackContext: 'feedback',
  timezone: 'UTC',
  monitorDir: '/var/spool/asterisk/monitor',
  ivr: new Map([['ivr-main', { id: '700', name: 'Main menu' }]]),
  pausetime: true,
  wrapupSeconds: 30,
};

function messages(name: string): AmiMessage[] {
  const out: AmiMessage[] = [];
  for (const ev of recordedEvents(loadRecording(name))) new AmiDecoder({ expectBanner: false }).push(withTimestamp(ev), (m) => out.push(m));
  return out;
}

const at = (m: AmiMessage) => Number(m.get('Timestamp')) * 1000;
const flat = (results: MapResult[]) => results.flatMap((r) => r.events.map((e, i) => ({ e, call: r.calls[i], commands: r.commands })));
const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('the mapper state saved and restored', () => {
  for (const name of ['queue-answered', 'ivr-dtmf-rfc2833', 'call-answered-basic', 'call-busy', 'call-noanswer', 'trunk-outbound']) {
    it(`${name}: stopped after any message, restored from a checkpoint and deltas, the rest maps the same`, () => {
      const msgs = messages(name);
      const whole = new EventMapper(config);
      const reference = flat(msgs.map((m) => whole.map(m, at(m))));
      for (let stop = 1; stop < msgs.length; stop += Math.max(1, Math.floor(msgs.length / 40))) {
        const first = new EventMapper(config);
        const before: MapResult[] = [];
        let full: MapperDelta | undefined;
        const deltas: MapperDelta[] = [];
        const checkpointAt = Math.floor(stop / 2);
        for (let i = 0; i < stop; i++) {
          before.push(first.map(msgs[i], at(msgs[i])));
          // A batch per message: its delta; at the checkpoint the whole state replaces what came before.
          const delta = json(first.takeDelta());
          if (i === checkpointAt) ((full = json(first.fullState())), (deltas.length = 0));
          else deltas.push(delta);
        }
        const second = new EventMapper(config);
        second.restoreState(full, deltas);
        const after = msgs.slice(stop).map((m) => second.map(m, at(m)));
        expect(flat([...before, ...after]), `stopped after message ${stop}`).toEqual(reference);
      }
    });
  }

  it('has nothing to save once a delta is taken, and something again after the next message', () => {
    const msgs = messages('queue-answered');
    const m = new EventMapper(config);
    m.map(msgs[0], at(msgs[0]));
    expect(m.dirty).toBe(true);
    m.takeDelta();
    expect(m.dirty).toBe(false);
    m.map(msgs[1], at(msgs[1]));
    expect(m.dirty).toBe(true);
  });
});
