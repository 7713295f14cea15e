import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AMI_DIR, recordingNames } from '../../test/helpers/recordings.js';
import { AmiDecoder } from './decoder.js';
import { encodeAction } from './encoder.js';
import { AmiError } from './errors.js';
import type { AmiMessage } from './message.js';

const sentBytes = (name: string) => readFileSync(join(AMI_DIR, `${name}.sent.ami`));

describe('encodeAction', () => {
  it("writes a click-to-call Originate byte for byte as the lab's client sent it", () => {
    const bytes = encodeAction('Originate', undefined, {
      Channel: 'SIP/801',
      Context: 'from-internal',
      Exten: '802',
      Priority: 1,
      CallerID: '"Click2Call" <802>',
      Timeout: 20000,
      Async: true,
      Variable: ['CLICK2CALL=yes', 'CRM_ID=4711'],
      Account: 'crm',
      ChannelId: 'c2c-0001-aaaa',
      OtherChannelId: 'c2c-0001-bbbb',
      Absent: undefined,
      Nothing: null,
      ActionID: 'action-originate-click-to-call-2',
    });
    expect(sentBytes('action-originate-click-to-call').toString('latin1')).toContain(bytes);
    expect(bytes.startsWith('Action: Originate\r\nChannel: SIP/801\r\n')).toBe(true);
  });

  it('puts the ActionID right after the action name when given apart', () => {
    expect(encodeAction('Ping', 'action-ping-2')).toBe('Action: Ping\r\nActionID: action-ping-2\r\n\r\n');
    expect(sentBytes('action-ping').toString('latin1')).toContain(encodeAction('Ping', 'action-ping-2'));
  });

  it('gives back every action every recorded client sent, from its decoded headers', () => {
    for (const name of recordingNames()) {
      const sent = sentBytes(name);
      const decoded: AmiMessage[] = [];
      new AmiDecoder({ expectBanner: false }).push(sent, (m) => decoded.push(m));
      // The recorded bytes, one message each (clients write plain CRLF lines), ActionID-only probes left out.
      const raw = sent.toString('latin1').split(/(?<=\r\n\r\n)/).filter((m) => m.startsWith('Action: '));
      const again = decoded
        .filter((m) => m.kind === 'action')
        .map((m) => {
          const fields: Record<string, string[]> = {};
          for (const [k, v] of m.entries()) if (k !== 'Action') (fields[k] ??= []).push(v);
          return encodeAction(m.type, undefined, fields);
        });
      expect(again, name).toEqual(raw);
    }
  });

  it('refuses CR, LF and NUL in a value or a header name, and a colon in a name, before writing anything', () => {
    const refused = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(AmiError);
        return [(err as AmiError).code, (err as AmiError).recoverable, (err as AmiError).action];
      }
      throw new Error('not refused');
    };
    const unsafe = ['AMI_UNSAFE_VALUE', false, 'Originate'];
    expect(refused(() => encodeAction('Originate', 'a1', { Channel: 'SIP/801\r\nAction: Hangup' }))).toEqual(unsafe);
    expect(refused(() => encodeAction('Originate', 'a1', { Variable: ['A=1', 'B=2\n'] }))).toEqual(unsafe);
    expect(refused(() => encodeAction('Originate', 'a1', { Exten: '80\u00002' }))).toEqual(unsafe);
    expect(refused(() => encodeAction('Originate', 'a1', { 'Chan:nel': 'SIP/801' }))).toEqual(unsafe);
    expect(refused(() => encodeAction('Originate', 'a1\r\n', {}))).toEqual(unsafe);
    expect(refused(() => encodeAction('Ping\r\nAction: Logoff', 'a1'))).toEqual(['AMI_UNSAFE_VALUE', false, 'Ping\r\nAction: Logoff']);
  });
});
