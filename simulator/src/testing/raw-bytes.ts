/**
 * The simulator compared with the recordings as bytes, without the AMI codec.
 *
 * The other comparisons (recording-shapes.ts, replay.ts) read both sides with
 * ami-codec's decoder, so a decoder bug that drops or bends a header would
 * bend both sides alike and hide. Here both sides stay text: split at the
 * blank line that ends every AMI message, and compared byte for byte once
 * the values that differ from run to run (clock readings, the lab's call
 * history, random ids) are masked.
 */

import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { addShape, AMI_FIXTURES, recordingNames, shapeDiff, type HeaderShapes } from './recording-shapes.js';

/** Headers whose values are clock readings, counters of the lab's call history, or new per call or run. */
const VOLATILE = [
  'Timestamp',
  'Uptime',
  'LastReload',
  'EventTV',
  'SessionTV',
  'SessionID',
  'Challenge',
  'LoginTime',
  'RegExpire',
  'ExpirationTime',
  'RoundtripUsec',
  'CallID',
  'CallId',
  'CoreStartupDate',
  'CoreStartupTime',
  'CoreReloadDate',
  'CoreReloadTime',
  'CoreProcessedCalls',
  'Holdtime',
  'TalkTime',
  'Completed',
  'Abandoned',
  'ServicelevelPerf',
  'ServicelevelPerf2',
  'CallsTaken',
  'LastCall',
  'LastPause',
  'Uniqueid',
  'Linkedid',
  'BridgeId',
  'Duration',
  'Seconds',
];
/** Asterisk spells some of them two ways (BridgeId, BridgeID; Holdtime, HoldTime). */
const VOLATILE_LINE = new RegExp(`^(${VOLATILE.join('|')}): [^\\r\\n]*`, 'gim');

/** The values above replaced by `*`; everything else (names, order, separators, line ends) untouched. */
export function maskVolatile(text: string): string {
  return (
    text
      .replace(VOLATILE_LINE, '$1: *')
      // Security events name the TCP ports: the client's, and the port the simulator listens on.
      .replace(/^((?:Local|Remote)Address: IPV4\/TCP\/[\d.]+\/)\d+/gm, '$1*')
      // Channel names end in Asterisk's channel counter (SIP/801-00000025).
      .replace(/(\/[\w.@+-]+?)-[0-9a-f]{8}\b/g, '$1-*')
      // chan_pjsip's contact ids end in a random hash, and `pjsip show` prints its head and the round trip.
      .replace(/@[0-9a-f]{32}\b/g, '@*')
      .replace(/ [0-9a-f]{10} (\w+ +)(?:[\d.]+|nan)\r\n/g, ' * $1*\r\n')
      // `queue show`: the lab's call history and login ages.
      .replace(/\(\d+s holdtime, \d+s talktime\), W:\d+, C:\d+, A:\d+, SL:[\d.]+%, SL2:[\d.]+%/g, '(*)')
      .replace(/has taken (no calls yet|\d+ calls \(last was \d+ secs ago\))/g, 'has taken *')
      .replace(/login was \d+ secs ago/g, 'login was * secs ago')
      // `core show channels concise`: duration, bridge and uniqueid close each line.
      .replace(/!\d+![0-9a-f-]{36}!\d+\.\d+\r\n/g, '!*!*!*\r\n')
      // `pjsip show channels`: how long each channel has been up.
      .replace(/(Output: {3}Channel: [^\r\n]* )\d\d:\d\d:\d\d( *\r\n)/g, '$1*$2')
      // `core show version`: when the lab's Asterisk was built.
      .replace(/(running Linux on )\d{4}-\d\d-\d\d [\d:]+ UTC/g, '$1*')
  );
}

/** Bytes as AMI text (latin1: one character per byte, so lengths and offsets are bytes). */
export const text = (bytes: Buffer): string => bytes.toString('latin1');

/** What the recording's client received, or (`sent`) what it sent. */
export function recordedBytes(name: string, side: 'received' | 'sent' = 'received'): Buffer {
  return readFileSync(join(AMI_FIXTURES, side === 'sent' ? `${name}.sent.ami` : `${name}.ami`));
}

/**
 * The messages of a stream, each with the blank line that ends it; the banner
 * line is left out. A stray CRLF after a message (chan_sip's SIPshowpeer
 * sends one) stays a piece of its own, so it is compared too.
 */
export function rawMessages(stream: string): string[] {
  const body = stream.startsWith('Asterisk Call Manager/') ? stream.slice(stream.indexOf('\r\n') + 2) : stream;
  return body.split(/(?<=\r\n\r\n)/).filter((m) => m !== '');
}

/** The messages answering `actionId`: its response and list events, not unsolicited events that carry the id. */
export function rawAnswer(stream: string, actionId: string): string[] {
  return rawMessages(stream).filter(
    (m) => m.includes(`\r\nActionID: ${actionId}\r\n`) && (!m.includes('\r\nPrivilege: ') || m.startsWith('Event: Status\r\n')),
  );
}

/**
 * The header shapes of a stream as recording-shapes.ts's headerShapes gives
 * them, read line by line: `Key: Value` lines, the first naming the message.
 * Adds to `shapes` when given.
 */
export function rawHeaderShapes(stream: string, shapes: HeaderShapes = new Map()): HeaderShapes {
  for (const m of rawMessages(stream)) {
    const lines = m.split('\r\n').filter((l) => l !== '');
    if (lines.length === 0) continue; // a stray CRLF between messages
    const pairs = lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]);
    const kind = ['event', 'response', 'action'].includes(pairs[0][0].toLowerCase()) ? pairs[0][0].toLowerCase() : 'unknown';
    addShape(shapes, kind, pairs[0][1], pairs.find(([k]) => k === 'Message')?.[1], pairs.map(([k]) => k));
  }
  return shapes;
}

let everyRecording: HeaderShapes | undefined;

/** Shapes in a stream that no recording (or `recording`) shows for that message type; empty when it conforms. */
export function rawShapeMismatches(stream: string, recording?: string): string[] {
  if (!everyRecording) {
    everyRecording = new Map();
    for (const name of recordingNames()) rawHeaderShapes(text(recordedBytes(name)), everyRecording);
  }
  return shapeDiff(rawHeaderShapes(stream), recording === undefined ? everyRecording : rawHeaderShapes(text(recordedBytes(recording))));
}

/**
 * Play a recorded client's bytes to the simulator (`first`, written at once:
 * Login, the actions, Logoff) and collect every byte until the simulator
 * closes. `then`, when given, is asked after each arrival with the bytes so
 * far, and what it returns is written once (an MD5 key answering the
 * challenge that came).
 */
export function playSession(port: number, first: string, then?: (received: string) => string | undefined, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let next = then;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the simulator did not close the session within ${timeoutMs} ms; got ${JSON.stringify(text(Buffer.concat(chunks)).slice(-200))}`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(first));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const more = next?.(text(Buffer.concat(chunks)));
      if (more === undefined) return;
      next = undefined;
      socket.write(more);
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text(Buffer.concat(chunks)));
    });
  });
}
