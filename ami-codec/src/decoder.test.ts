import { describe, expect, it } from 'vitest';
import { loadRecording, manifest, recordingNames } from '../../test/helpers/recordings.js';
import { AmiDecoder } from './decoder.js';
import { AmiError } from './errors.js';
import type { AmiMessage } from './message.js';

function decodeAll(bytes: Uint8Array, chunkSize = bytes.length, options = {}): AmiMessage[] {
  const out: AmiMessage[] = [];
  const d = new AmiDecoder(options);
  for (let i = 0; i < bytes.length; i += chunkSize) d.push(bytes.subarray(i, i + chunkSize), (m) => out.push(m));
  return out;
}

const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'));

describe('AmiDecoder on every real recording', () => {
  const names = recordingNames();

  it('covers all recordings listed in the manifest', () => {
    expect(names.sort()).toEqual(Object.keys(manifest).sort());
  });

  for (const name of names) {
    it(`${name}: message and event counts match the recording notes, whole and byte by byte`, () => {
      const rec = loadRecording(name);
      expect(rec.received.length).toBe(manifest[name].bytes);
      const whole = decodeAll(rec.received);
      expect(whole.length).toBe(manifest[name].messages);
      expect(whole.filter((m) => m.kind === 'event').length).toBe(manifest[name].events);
      expect(whole[0].kind).toBe('banner');
      expect(whole[0].type).toBe('Asterisk Call Manager/9.0.0');

      const bytewise = decodeAll(rec.received, 1);
      expect(bytewise.map((m) => m.fields)).toEqual(whole.map((m) => m.fields));
      const odd = decodeAll(rec.received, 7);
      expect(odd.map((m) => m.fields)).toEqual(whole.map((m) => m.fields));
    });
  }
});

describe('AmiDecoder on raw bytes', () => {
  it('keeps header order and duplicate headers (Command Output lines)', () => {
    const [banner, msg] = decodeAll(
      crlf('Asterisk Call Manager/9.0.0', 'Response: Success', 'ActionID: 1', 'Message: Command output follows', 'Output: a', 'Output: ', 'Output:    Members: ', '', ''),
    );
    expect(banner.kind).toBe('banner');
    expect(msg.kind).toBe('response');
    expect(msg.getAll('Output')).toEqual(['a', '', '   Members: ']);
    expect(msg.fields.filter((_, i) => i % 2 === 0)).toEqual(['Response', 'ActionID', 'Message', 'Output', 'Output', 'Output']);
  });

  it('looks headers up case-insensitively (Uniqueid vs UniqueID)', () => {
    const [, msg] = decodeAll(crlf('Asterisk Call Manager/9.0.0', 'Event: Cdr', 'UniqueID: 17.1', '', ''));
    expect(msg.get('Uniqueid')).toBe('17.1');
    expect(msg.event).toBe('Cdr');
  });

  it('accepts the bare LF that chan_pjsip puts before CRLF CRLF, without an empty message', () => {
    const bytes = Buffer.from(
      'Asterisk Call Manager/9.0.0\r\nResponse: Error\r\nActionID: 3\r\nMessage: Unable to retrieve endpoint x\n\r\n\r\nResponse: Success\r\nActionID: 4\r\n\r\n',
    );
    const msgs = decodeAll(bytes, 1);
    expect(msgs.map((m) => m.get('ActionID'))).toEqual([undefined, '3', '4']);
    expect(msgs[1].get('Message')).toBe('Unable to retrieve endpoint x');
  });

  it('decodes the legacy Response: Follows form, blank lines in the output included', () => {
    const bytes = Buffer.from(
      'Asterisk Call Manager/1.1\r\nResponse: Follows\r\nPrivilege: Command\r\nActionID: 9\r\nline one\n\nline: three\n--END COMMAND--\r\n\r\nEvent: Ping\r\n\r\n',
    );
    for (const size of [bytes.length, 1, 5]) {
      const msgs = decodeAll(bytes, size);
      expect(msgs).toHaveLength(3);
      expect(msgs[1].response).toBe('Follows');
      expect(msgs[1].actionId).toBe('9');
      expect(msgs[1].getAll('Output')).toEqual(['line one', '', 'line: three']);
      expect(msgs[2].event).toBe('Ping');
    }
  });

  it('handles output glued to the end marker', () => {
    const msgs = decodeAll(Buffer.from('Asterisk Call Manager/1.0\r\nResponse: Follows\r\nPrivilege: Command\r\nlast--END COMMAND--\r\n\r\n'));
    expect(msgs[1].getAll('Output')).toEqual(['last']);
  });

  it('keeps a UTF-8 caller name intact when a chunk splits its bytes', () => {
    const bytes = crlf('Asterisk Call Manager/9.0.0', 'Event: Newchannel', 'CallerIDName: Jürgen Müller', '', '');
    const msgs = decodeAll(bytes, 1);
    expect(msgs[1].get('CallerIDName')).toBe('Jürgen Müller');
  });

  it('takes a value after "Key:" with no space, and keeps colons inside values', () => {
    const msgs = decodeAll(crlf('Asterisk Call Manager/9.0.0', 'Event: X', 'Empty:', 'Url: sip:1@h:5060', 'Tight:v', '', ''));
    expect(msgs[1].get('Empty')).toBe('');
    expect(msgs[1].get('Url')).toBe('sip:1@h:5060');
    expect(msgs[1].get('Tight')).toBe('v');
  });

  it('works with a server that sends no banner', () => {
    const msgs = decodeAll(crlf('Response: Success', 'ActionID: 1', '', ''));
    expect(msgs).toHaveLength(1);
    expect(msgs[0].response).toBe('Success');
  });

  it('skips stray empty lines between messages', () => {
    const msgs = decodeAll(Buffer.from('Asterisk Call Manager/9.0.0\r\n\r\n\r\nEvent: A\r\n\r\n\r\n\r\nEvent: B\r\n\r\n'));
    expect(msgs.map((m) => m.type)).toEqual(['Asterisk Call Manager/9.0.0', 'A', 'B']);
  });

  it('refuses a message that outgrows the bound, whether it arrives whole or in pieces', () => {
    const big = Buffer.from('Asterisk Call Manager/9.0.0\r\nEvent: X\r\nData: ' + 'x'.repeat(5000) + '\r\n\r\n');
    expect(() => decodeAll(big, big.length, { maxFrameBytes: 1024 })).toThrow(AmiError);
    try {
      decodeAll(big, 100, { maxFrameBytes: 1024 });
      expect.unreachable();
    } catch (err) {
      expect((err as AmiError).code).toBe('AMI_PROTOCOL');
    }
  });

  it('holds a partial message until its end arrives', () => {
    const d = new AmiDecoder();
    const out: AmiMessage[] = [];
    d.push(Buffer.from('Asterisk Call Manager/9.0.0\r\nEvent: Hangup\r\nCause: 16\r\n'), (m) => out.push(m));
    expect(out).toHaveLength(1);
    expect(d.bufferedBytes).toBeGreaterThan(0);
    d.push(Buffer.from('\r\n'), (m) => out.push(m));
    expect(out[1].get('Cause')).toBe('16');
    expect(d.bufferedBytes).toBe(0);
  });
});

describe('AmiDecoder under every chunk size', () => {
  it('gives the same messages for every split of a stream with CRLF, bare-LF and Follows ends', () => {
    const stream = Buffer.concat([
      loadRecording('action-login-ok').received,
      Buffer.from('Event: Bare\nKey: v\n\nResponse: Follows\r\nPrivilege: Command\r\nx\n\ny\n--END COMMAND--\r\n\r\n'),
      loadRecording('pjsip/action-pjsip-misc').received.subarray(28),
    ]);
    const reference = decodeAll(stream).map((m) => m.fields);
    expect(reference.length).toBeGreaterThan(50);
    for (let size = 1; size <= 64; size++) {
      expect(decodeAll(stream, size).map((m) => m.fields)).toEqual(reference);
    }
  });
});
