/**
 * The box's api.conf dialect of INI: `[section]`, `key = value`, comments
 * starting with `#` or `;` (whole-line, or after whitespace at the end of a
 * line). Keys and section names are case-insensitive. Pure: text in, data out.
 */

export interface IniEntry {
  value: string;
  line: number;
  /** The key as written (dialplan context names are case-sensitive). */
  key: string;
}

export type IniSections = Map<string, Map<string, IniEntry>>;

export class IniSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'IniSyntaxError';
  }
}

export function parseIni(text: string): IniSections {
  const sections: IniSections = new Map();
  let current = new Map<string, IniEntry>();
  sections.set('', current);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = stripComment(raw).trim();
    if (line === '') return;
    if (line.startsWith('[')) {
      const m = /^\[([^\]]+)\]$/.exec(line);
      if (!m) throw new IniSyntaxError(lineNo, `line ${lineNo}: malformed section header ${JSON.stringify(raw.trim())}`);
      const name = m[1].trim().toLowerCase();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      return;
    }
    // `=>` is Asterisk's spelling in some files; accept it too.
    const m = /^([^=]+?)\s*=>?\s*(.*)$/.exec(line);
    if (!m) throw new IniSyntaxError(lineNo, `line ${lineNo}: expected key = value, got ${JSON.stringify(raw.trim())}`);
    current.set(m[1].trim().toLowerCase(), { value: unquote(m[2].trim()), line: lineNo, key: m[1].trim() });
  });
  return sections;
}

/** Drop a comment: a line starting with # or ;, or one of them after whitespace. */
function stripComment(line: string): string {
  const t = line.trimStart();
  if (t.startsWith('#') || t.startsWith(';')) return '';
  const m = /\s[#;]/.exec(line);
  return m ? line.slice(0, m.index) : line;
}

function unquote(v: string): string {
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) return v.slice(1, -1);
  return v;
}
