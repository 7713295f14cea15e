/**
 * One AMI message as it came off the wire: the banner, a Response, or an Event.
 *
 * Headers stay in wire order with duplicates (`Output:` lines of a Command,
 * `ChanVariable` of an event, `Variable` of an action), so nothing Asterisk
 * said is lost. Look-ups are case-insensitive because Asterisk is not
 * consistent about case (`Uniqueid` on channel events, `UniqueID` on `Cdr`).
 */

export type AmiMessageKind = 'banner' | 'response' | 'event' | 'action' | 'unknown';

export class AmiMessage {
  /** Flat `[key0, value0, key1, value1, …]`, wire order, duplicates kept. */
  readonly fields: string[];
  readonly kind: AmiMessageKind;
  /** The first header's value: event name, response status, action name or banner text. */
  readonly type: string;

  constructor(fields: string[], kind?: AmiMessageKind) {
    this.fields = fields;
    const first = fields.length > 0 ? fields[0] : '';
    this.type = fields.length > 1 ? fields[1] : '';
    this.kind = kind ?? kindOf(first);
  }

  static banner(text: string): AmiMessage {
    return new AmiMessage(['Banner', text], 'banner');
  }

  /** Event name (`Newchannel`), or '' when this is not an event. */
  get event(): string {
    return this.kind === 'event' ? this.type : '';
  }

  /** Response status (`Success`, `Error`, `Follows`, `Goodbye`), or '' when not a response. */
  get response(): string {
    return this.kind === 'response' ? this.type : '';
  }

  get actionId(): string | undefined {
    return this.get('ActionID');
  }

  /** First value of a header, case-insensitive; undefined when absent. */
  get(name: string): string | undefined {
    const f = this.fields;
    const n = f.length;
    // Fast path: exact case, which is what Asterisk sends nearly always.
    for (let i = 0; i < n; i += 2) if (f[i] === name) return f[i + 1];
    const lower = name.toLowerCase();
    for (let i = 0; i < n; i += 2) {
      const k = f[i];
      if (k.length === lower.length && k.toLowerCase() === lower) return f[i + 1];
    }
    return undefined;
  }

  /** Every value of a header, in wire order (e.g. all `Output` lines). */
  getAll(name: string): string[] {
    const lower = name.toLowerCase();
    const out: string[] = [];
    const f = this.fields;
    for (let i = 0; i < f.length; i += 2) if (f[i].length === lower.length && f[i].toLowerCase() === lower) out.push(f[i + 1]);
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Header/value pairs in wire order. */
  *entries(): IterableIterator<[string, string]> {
    for (let i = 0; i < this.fields.length; i += 2) yield [this.fields[i], this.fields[i + 1]];
  }

  /** A plain object; a header that repeats becomes an array of its values. */
  toObject(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of this.entries()) {
      const prev = out[k];
      if (prev === undefined) out[k] = v;
      else if (Array.isArray(prev)) prev.push(v);
      else out[k] = [prev, v];
    }
    return out;
  }
}

function kindOf(firstKey: string): AmiMessageKind {
  switch (firstKey) {
    case 'Event':
      return 'event';
    case 'Response':
      return 'response';
    case 'Action':
      return 'action';
    case 'Banner':
      return 'banner';
    default: {
      const lower = firstKey.toLowerCase();
      if (lower === 'event') return 'event';
      if (lower === 'response') return 'response';
      if (lower === 'action') return 'action';
      return 'unknown';
    }
  }
}
