/**
 * Bytes as Asterisk's manager.c writes them: `Key: Value\r\n` lines and an
 * empty line after each message. Builders for the response shapes
 * (astman_send_ack/error, listack, list complete) keep ActionID where
 * Asterisk puts it.
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import type { Fields } from '../model/channel.js';

/** One message to write; `trailer` carries Asterisk's stray bytes (SIPshowpeer's extra CRLF). */
export interface Frame {
  fields: Fields;
  trailer?: string;
}

export function encodeFrame(frame: Frame): string {
  let out = '';
  for (const [k, v] of frame.fields) out += `${k}: ${v}\r\n`;
  return out + '\r\n' + (frame.trailer ?? '');
}

function idField(m: AmiMessage): Fields {
  const id = m.get('ActionID');
  return id === undefined || id === '' ? [] : [['ActionID', id]];
}

/** astman_send_ack / astman_send_response: Response, ActionID, Message. */
export function ack(m: AmiMessage, message?: string, extra: Fields = []): Frame {
  return { fields: [['Response', 'Success'], ...idField(m), ...(message === undefined ? [] : ([['Message', message]] as Fields)), ...extra] };
}

export function errorFrame(m: AmiMessage, message: string): Frame {
  return { fields: [['Response', 'Error'], ...idField(m), ['Message', message]] };
}

export function goodbye(m: AmiMessage): Frame {
  return { fields: [['Response', 'Goodbye'], ...idField(m), ['Message', 'Thanks for all the fish.']] };
}

/** astman_send_listack: Response, ActionID, EventList: start, Message. */
export function listAck(m: AmiMessage, message: string): Frame {
  return { fields: [['Response', 'Success'], ...idField(m), ['EventList', 'start'], ['Message', message]] };
}

/** A list item: `Event: X`, then ActionID first or last as that event has it. */
export function listItem(m: AmiMessage, event: string, fields: Fields, idPosition: 'first' | 'last'): Frame {
  const id = idField(m);
  return { fields: idPosition === 'first' ? [['Event', event], ...id, ...fields] : [['Event', event], ...fields, ...id] };
}

/** astman_send_list_complete: Event, ActionID, EventList: Complete, ListItems (+ extra). */
export function listComplete(m: AmiMessage, event: string, count: number, extra: Fields = []): Frame {
  return { fields: [['Event', event], ...idField(m), ['EventList', 'Complete'], ['ListItems', String(count)], ...extra] };
}

/** A whole EventList answer. */
export function list(m: AmiMessage, message: string, items: Frame[], complete: string, extra: Fields = []): Frame[] {
  return [listAck(m, message), ...items, listComplete(m, complete, items.length, extra)];
}

/** Command action: Response, ActionID, Message: Command output follows, Output: lines. */
export function commandOutput(m: AmiMessage, lines: string[], ok = true): Frame {
  return {
    fields: [['Response', ok ? 'Success' : 'Error'], ...idField(m), ['Message', 'Command output follows'], ...lines.map((l): [string, string] => ['Output', l])],
  };
}
