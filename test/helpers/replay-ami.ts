/**
 * Replays a real AMI recording to a client over TCP, as Asterisk would:
 * banner, a proper answer to the client's Login and to the relay's snapshot
 * actions (taken from the lab's own recordings of those actions), then the
 * recording's unsolicited events, byte for byte as recorded.
 *
 * With `timestamps: true` every event gets the `Timestamp:` header Asterisk
 * adds with timestampevents=yes, valued with the time the original client
 * received the event's last byte (from the recording's timeline), so the
 * relay's clock-derived fields come out as they were in the lab.
 */
import net from 'node:net';
import { AmiDecoder } from '../../ami-codec/src/decoder.js';
import { loadRecording, type Recording } from './recordings.js';

export interface RecordedEvent {
  /** Raw bytes of the message, terminator included. */
  bytes: Buffer;
  /** Receive time in the original session (unix seconds). */
  t: number;
  name: string;
}

/** The unsolicited events of a recording (no responses, no list items), with their times. */
export function recordedEvents(rec: Recording): RecordedEvent[] {
  const buf = rec.received;
  const ins = rec.timeline.filter((e) => e.dir === 'in');
  const timeAt = (offset: number) => (ins.find((e) => offset >= e.off && offset < e.off + e.len) ?? ins[ins.length - 1]).t;
  const out: RecordedEvent[] = [];
  let start = buf.indexOf('\r\n') + 2; // after the banner
  while (start < buf.length) {
    const end = buf.indexOf('\r\n\r\n', start);
    if (end < 0) break;
    const stop = end + 4;
    const bytes = buf.subarray(start, stop);
    const text = bytes.toString('latin1').replace(/^[\r\n]+/, '');
    start = stop;
    if (!text.startsWith('Event:')) continue;
    if (/\r?\nActionID:/i.test(text)) continue;
    const name = /^Event: ([^\r\n]*)/.exec(text)![1];
    out.push({ bytes: Buffer.from(text, 'latin1'), t: timeAt(stop - 1), name });
  }
  return out;
}

/** Insert `Timestamp:` after `Privilege:` (where Asterisk puts it). */
export function withTimestamp(ev: RecordedEvent): Buffer {
  const stamp = `Timestamp: ${ev.t.toFixed(6)}\r\n`;
  const text = ev.bytes.toString('latin1');
  const m = /^Event: [^\r\n]*\r\n(Privilege: [^\r\n]*\r\n)?/.exec(text)!;
  return Buffer.from(text.slice(0, m[0].length) + stamp + text.slice(m[0].length), 'latin1');
}

/** Answers to the snapshot actions, from the lab's recordings of them. */
function listAnswer(recording: string, action: string, actionId: string): string {
  const rec = loadRecording(recording);
  const sentText = rec.sent.toString('latin1');
  // The first time the recorder sent this action, and its ActionID.
  const m = new RegExp(`Action: ${action}\\r\\n(?:(?!\\r\\n\\r\\n)[\\s\\S])*?ActionID: ([^\\r\\n]+)`).exec(sentText);
  if (!m) throw new Error(`${recording} has no ${action}`);
  const recordedId = m[1];
  const frames = rec.received
    .toString('latin1')
    .split('\r\n\r\n')
    .filter((f) => f.includes(`ActionID: ${recordedId}\r\n`) || f.endsWith(`ActionID: ${recordedId}`));
  return frames.map((f) => f.replace(`ActionID: ${recordedId}`, `ActionID: ${actionId}`) + '\r\n\r\n').join('');
}

export interface ReplayOptions {
  recording: string;
  timestamps?: boolean;
  /** Replay with the recording's own pacing, scaled (1 = real time); default: as fast as possible. */
  pace?: number;
  tech?: 'SIP' | 'PJSIP';
}

export interface ReplayServer {
  port: number;
  /** Resolves when every event has been written to the client. */
  done: Promise<void>;
  events: RecordedEvent[];
  close(): Promise<void>;
}

export async function startReplay(opts: ReplayOptions): Promise<ReplayServer> {
  const rec = loadRecording(opts.recording);
  const events = recordedEvents(rec);
  const pj = opts.tech === 'PJSIP';
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  const sockets: net.Socket[] = [];
  let streamed = false;

  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.write('Asterisk Call Manager/9.0.0\r\n');
    const decoder = new AmiDecoder({ expectBanner: false });
    const answered = new Set<string>();
    const stream = async () => {
      if (streamed) return;
      streamed = true;
      let prev = events[0]?.t ?? 0;
      for (const ev of events) {
        if (opts.pace) {
          const wait = ((ev.t - prev) * 1000) / opts.pace;
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        prev = ev.t;
        if (socket.destroyed) return;
        socket.write(opts.timestamps ? withTimestamp(ev) : ev.bytes);
      }
      finish();
    };
    socket.on('data', (chunk) =>
      decoder.push(chunk, (msg) => {
        const action = msg.get('Action') ?? '';
        const id = msg.get('ActionID') ?? '';
        const reply = (text: string) => socket.write(text);
        switch (action.toLowerCase()) {
          case 'login':
            reply(`Response: Success\r\nActionID: ${id}\r\nMessage: Authentication accepted\r\n\r\n`);
            return;
          case 'queuestatus':
            reply(listAnswer(pj ? 'pjsip/action-queuestatus-pjsip' : 'action-queuestatus', 'QueueStatus', id));
            break;
          case 'extensionstatelist':
            reply(listAnswer(pj ? 'pjsip/action-extensionstatelist-pjsip' : 'action-extensionstatelist', 'ExtensionStateList', id));
            break;
          case 'coreshowchannels':
            reply(`Response: Success\r\nActionID: ${id}\r\nEventList: start\r\nMessage: Channels will follow\r\n\r\nEvent: CoreShowChannelsComplete\r\nActionID: ${id}\r\nEventList: Complete\r\nListItems: 0\r\n\r\n`);
            break;
          default:
            reply(`Response: Success\r\nActionID: ${id}\r\n\r\n`);
            return;
        }
        answered.add(action.toLowerCase());
        // Events start once the relay knows the PBX's queues, hints and channels.
        if (answered.size === 3) void stream();
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    done,
    events,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
