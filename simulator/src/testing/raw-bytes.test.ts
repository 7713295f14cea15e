import { describe, expect, it } from 'vitest';
import { maskVolatile, rawAnswer, rawHeaderShapes, rawMessages, rawShapeMismatches, recordedBytes, text } from './raw-bytes.js';
import { headerShapes, readRecording, recordingNames } from './recording-shapes.js';

describe('reading the recordings without the codec', () => {
  it('finds the same messages and header shapes in every recording as the decoder', () => {
    for (const name of recordingNames()) {
      const stream = text(recordedBytes(name));
      const decoded = readRecording(name);
      expect(rawMessages(stream).filter((m) => m !== '\r\n').length, name).toBe(decoded.length);
      const raw = rawHeaderShapes(stream);
      const viaCodec = headerShapes(decoded);
      // chan_pjsip's error Message ends in a bare LF, which the decoder drops from the value.
      const key = (k: string) => k.replace(/\n$/, '');
      expect(new Map([...raw].map(([k, v]) => [key(k), v])), name).toEqual(viaCodec);
    }
  });
});

describe('the byte checks catch what a codec could hide', () => {
  const stream = text(recordedBytes('action-hangup'));

  it('a swapped header, or one header missing, is a shape mismatch', () => {
    expect(rawShapeMismatches(stream, 'action-hangup')).toEqual([]);
    const swapped = stream.replace(/(Cause: 16\r\n)(Cause-txt: Normal Clearing\r\n)/, '$2$1');
    expect(swapped).not.toBe(stream);
    expect(rawShapeMismatches(swapped, 'action-hangup')[0]).toMatch(/^Event:Hangup: .*Cause-txt,Cause\n/);
    const dropped = stream.replace(/(Event: Newchannel\r\n(?:[^\r\n]+\r\n)*?)Exten: [^\r\n]*\r\n/, '$1');
    expect(dropped).not.toBe(stream);
    expect(rawShapeMismatches(dropped, 'action-hangup')[0]).toMatch(/^Event:Newchannel: /);
  });

  it('masks values only: line ends, stray bytes, names and other values still count', () => {
    const answer = rawAnswer(stream, 'action-hangup-2');
    expect(answer.length).toBe(1);
    const masked = maskVolatile(answer[0]);
    expect(maskVolatile(answer[0].replace('Message: Channel Hungup\r\n', 'Message: Channel Hungup\n'))).not.toBe(masked);
    expect(maskVolatile(answer[0].replace('Channel Hungup', 'Channel hungup'))).not.toBe(masked);
    expect(maskVolatile(`${answer[0]}\r\n`)).not.toBe(masked);
    expect(maskVolatile('Timestamp: 1795513008.244617\r\n')).toBe(maskVolatile('Timestamp: 1796594764.368000\r\n'));
    expect(maskVolatile('Channel: SIP/802-00000026\r\n')).toBe(maskVolatile('Channel: SIP/802-00000001\r\n'));
    expect(maskVolatile('Channel: SIP/802-00000026\r\n')).not.toBe(maskVolatile('Channel: SIP/803-00000026\r\n'));
  });
});
