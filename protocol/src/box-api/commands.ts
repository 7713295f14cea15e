/**
 * The box commands, declared once. An entry says what the command carries (its
 * fields, in the order the `Pbx` method takes them, each with the schema it
 * must match in a tunnel frame), whether it changes the PBX (an
 * Idempotency-Key applies to writes) and what it answers.
 *
 * Everything else is derived from this table: the `Pbx` interface
 * (box-api/pbx.ts), the command part of the tunnel's `command` frame and the
 * `BoxCommand` type inferred from it, the write set, the fields the relay
 * checks again, the relay's dispatch, and the cloud's `TunnelPbx` (whose
 * methods are `commandMethods`). A new command is one entry here, its method
 * on the relay's `AmiPbx` and its route.
 *
 * `recording` is the one command that answers a file, not JSON: it is streamed
 * through the tunnel or uploaded, so the JSON paths (dispatch, methods) leave
 * it to the code that moves files.
 */

import * as v from 'valibot';
import type { FieldKind } from './fields.js';
import { CurrentCallSchema, ExtensionHintRowSchema, ExtensionStatusRowSchema, QueueMemberRowSchema, type Pbx, type RecordingFile } from './pbx.js';

/**
 * A text field in a frame. The frame only bounds it; its shape (fields.ts:
 * extension, number, queue, blacklist number) is checked at the HTTP edge and
 * again on the relay, where a bad value gets a 400 answer rather than a
 * refused frame. One schema object per kind, so the table below says which
 * kind each field is.
 */
const text = () => v.pipe(v.string(), v.minLength(1), v.maxLength(1024));
const KIND_OF = new Map<v.GenericSchema, FieldKind>();
function shaped(kind: FieldKind) {
  const schema = text();
  KIND_OF.set(schema, kind);
  return schema;
}
const Extension = shaped('extension');
const Number_ = shaped('number');
const Queue = shaped('queue');
const BlacklistNumber = shaped('blacklistNumber');
/** Checked by recording-path.ts, its own shape. */
const RecordingPath = text();

type Param = readonly [name: string, schema: v.GenericSchema];

interface CommandSpec {
  /** The Pbx method's parameters, in order; they are the command's fields. */
  readonly params: readonly Param[];
  /** Changes the PBX: an Idempotency-Key makes it run at most once. */
  readonly write: boolean;
  /** Answers a file (streamed or uploaded), not JSON. */
  readonly file?: true;
  /** What the Pbx method resolves to: a schema of the JSON answer (the API document shows it), or a type only (a file). */
  readonly answers: unknown;
}

/** Names the answer type of a command that answers no JSON (a file); nothing exists at run time. */
function answers<T>(): T {
  return undefined as T;
}
/** Asterisk's own words (`Interface paused successfully`), or nothing. */
const Message = v.string();
const Nothing = v.void();

export const COMMANDS = {
  currentCalls: { params: [], write: false, answers: v.array(CurrentCallSchema) },
  extensionStatus: { params: [], write: false, answers: v.array(ExtensionStatusRowSchema) },
  extensionHints: { params: [], write: false, answers: v.array(ExtensionHintRowSchema) },
  /** Queue name → members; a queue without members maps to []. */
  queueInfo: { params: [], write: false, answers: v.record(v.string(), v.array(QueueMemberRowSchema)) },
  /** Answers Asterisk's message (`Interface paused successfully`). */
  agentPause: { params: [['queue', Queue], ['member', Extension], ['paused', v.boolean()]], write: true, answers: Message },
  agentLogin: { params: [['extension', Extension], ['queue', Queue]], write: true, answers: Nothing },
  agentLogout: { params: [['extension', Extension], ['queue', Queue]], write: true, answers: Nothing },
  /** Rings `src`; when it answers, dials `dst`. Answers Asterisk's message. */
  clickToCall: { params: [['src', Extension], ['dst', Number_]], write: true, answers: Message },
  hangup: { params: [['extension', Extension]], write: true, answers: Nothing },
  transfer: { params: [['src', Extension], ['dst', Number_]], write: true, answers: Nothing },
  spy: { params: [['src', Extension], ['dst', Extension]], write: true, answers: Nothing },
  blacklist: { params: [], write: false, answers: v.array(v.string()) },
  blacklistAdd: { params: [['number', BlacklistNumber]], write: true, answers: Message },
  blacklistRemove: { params: [['number', BlacklistNumber]], write: true, answers: Message },
  /** A file under the relay's monitor_dir. */
  recording: { params: [['path', RecordingPath]], write: false, file: true, answers: answers<RecordingFile>() },
} as const satisfies Record<string, CommandSpec>;

type Table = typeof COMMANDS;
export type BoxCommandName = keyof Table;
/** The commands that answer a file. */
export type FileCommandName = { [K in BoxCommandName]: Table[K] extends { file: true } ? K : never }[BoxCommandName];
export type JsonCommandName = Exclude<BoxCommandName, FileCommandName>;

type ArgsOf<P> = { -readonly [I in keyof P]: P[I] extends readonly [string, infer S extends v.GenericSchema] ? v.InferOutput<S> : never };
type FieldsOf<P extends readonly Param[]> = { [E in P[number] as E[0]]: E[1] };

/** The Pbx method of a command: its fields as parameters, its answer as the result. */
export type CommandMethod<K extends BoxCommandName> = (...args: ArgsOf<Table[K]['params']>) => Promise<AnswerOf<K>>;

/** What a command answers: its schema's output, or the type the table names (a file). */
export type AnswerOf<K extends BoxCommandName> = Table[K]['answers'] extends v.GenericSchema ? v.InferOutput<Table[K]['answers']> : Table[K]['answers'];

export const COMMAND_NAMES = Object.keys(COMMANDS) as BoxCommandName[];

const spec = (name: BoxCommandName): CommandSpec => COMMANDS[name];

type CommandOption<K extends BoxCommandName> = v.ObjectSchema<{ name: v.LiteralSchema<K, undefined> } & FieldsOf<Table[K]['params']>, undefined>;

/** A box command as it crosses the tunnel (the `cmd` of a `command` frame). */
export const CommandSchema = v.variant(
  'name',
  COMMAND_NAMES.map((name) => v.object({ name: v.literal(name), ...Object.fromEntries(spec(name).params) })) as {
    [K in BoxCommandName]: CommandOption<K>;
  }[BoxCommandName][],
);

export type BoxCommand = v.InferOutput<typeof CommandSchema>;

/** Commands that change the PBX: an Idempotency-Key applies to these. */
export const WRITE_COMMANDS: ReadonlySet<BoxCommandName> = new Set(COMMAND_NAMES.filter((name) => spec(name).write));

/** A command's shaped fields: its name and kind (fields.ts). */
export type ShapedFields = ReadonlyArray<readonly [field: string, kind: FieldKind]>;

/** The shaped fields of each command, in order: what the HTTP edge reads from a form and the relay checks again. */
const shapedFields: Partial<Record<BoxCommandName, ShapedFields>> = {};
for (const name of COMMAND_NAMES) {
  shapedFields[name] = spec(name).params.flatMap(([field, schema]) => {
    const kind = KIND_OF.get(schema);
    return kind ? [[field, kind] as const] : [];
  });
}
export const COMMAND_FIELDS = shapedFields as Readonly<Record<BoxCommandName, ShapedFields>>;

/** The command a Pbx method call stands for: `agentPause('q', '801', true)` → `{name, queue, member, paused}`. */
export function commandOf<K extends BoxCommandName>(name: K, args: ArgsOf<Table[K]['params']>): Extract<BoxCommand, { name: K }> {
  const values = args as readonly unknown[];
  const fields = spec(name).params.map(([field], i) => [field, values[i]]);
  return { name, ...Object.fromEntries(fields) } as Extract<BoxCommand, { name: K }>;
}

/** The Pbx method arguments a command carries, in the method's order. */
export function commandArgs(cmd: BoxCommand): unknown[] {
  const fields = cmd as unknown as Record<string, unknown>;
  return spec(cmd.name).params.map(([field]) => fields[field]);
}

/** Run a wire command on a Pbx (the relay side of the tunnel). A void answer becomes null. */
export async function dispatchCommand(pbx: Pbx, cmd: BoxCommand): Promise<unknown> {
  if (spec(cmd.name).file) throw new Error(`${cmd.name} is not a JSON command; it is streamed`);
  const method = pbx[cmd.name] as (...args: unknown[]) => Promise<unknown>;
  return (await method.apply(pbx, commandArgs(cmd))) ?? null;
}

/** The Pbx methods of every JSON command, each sending its command to `send` (the cloud side of the tunnel). */
export function commandMethods(send: (cmd: BoxCommand) => Promise<unknown>): Pick<Pbx, JsonCommandName> {
  const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of COMMAND_NAMES) {
    if (!spec(name).file) methods[name] = (...args) => send(commandOf(name, args as never));
  }
  return methods as unknown as Pick<Pbx, JsonCommandName>;
}
