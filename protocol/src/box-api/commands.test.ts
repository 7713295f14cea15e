/**
 * What is derived from the command table, checked without sockets: the frame
 * schema, the write set, the relay's dispatch and field check, and the
 * cloud's methods, all meeting in one round trip.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { decodeCloudFrame, encodeFrame } from '../wire/codec.js';
import {
  COMMAND_FIELDS,
  COMMAND_NAMES,
  COMMANDS,
  commandArgs,
  commandMethods,
  commandOf,
  dispatchCommand,
  WRITE_COMMANDS,
  type BoxCommand,
  type BoxCommandName,
} from './commands.js';
import { BoxApiError } from './errors.js';
import { checkCommandFields } from './forms.js';
import type { Pbx } from './pbx.js';

/** Arguments a method of the command could be called with: distinct text per field, a flag for a boolean. */
function sampleArgs(name: BoxCommandName): unknown[] {
  return COMMANDS[name].params.map(([field, schema], i) => (schema.type === 'boolean' ? i % 2 === 0 : `${field}-${800 + i}`));
}

/** A Pbx that records every call and answers from `answer`. */
function recordingPbx(answer: (name: string) => unknown = () => undefined) {
  const calls: { method: string; args: unknown[] }[] = [];
  const pbx = new Proxy({} as Pbx, {
    get: (_t, method: string) =>
      async function (this: unknown, ...args: unknown[]) {
        expect(this).toBe(pbx); // methods run bound to their Pbx, as AmiPbx's need
        calls.push({ method, args });
        return answer(method);
      },
  });
  return { pbx, calls };
}

const commandFrame = (cmd: BoxCommand) => ({ t: 'command' as const, id: 'c1', deadline: 1_700_000_000_000, cmd });

/** A command as the relay gets it: encoded by the cloud, decoded and validated. */
function throughFrame(cmd: BoxCommand): BoxCommand {
  const frame = decodeCloudFrame(encodeFrame(commandFrame(cmd)));
  if (frame.t !== 'command') throw new Error(`not a command frame: ${frame.t}`);
  return frame.cmd;
}

describe('the command table', () => {
  it('has the box API commands', () => {
    expect(COMMAND_NAMES).toHaveLength(15);
    expectTypeOf<Extract<BoxCommand, { name: 'agentPause' }>>().toEqualTypeOf<{ name: 'agentPause'; queue: string; member: string; paused: boolean }>();
    expectTypeOf<Extract<BoxCommand, { name: 'currentCalls' }>>().toEqualTypeOf<{ name: 'currentCalls' }>();
    expectTypeOf<Pbx['clickToCall']>().toEqualTypeOf<(src: string, dst: string) => Promise<string>>();
  });

  it('round-trips every command through a command frame, fields in method order', () => {
    for (const name of COMMAND_NAMES) {
      const args = sampleArgs(name);
      const cmd = commandOf(name, args as never);
      const back = throughFrame(cmd);
      expect(back).toEqual(cmd);
      expect(Object.keys(back)).toEqual(['name', ...COMMANDS[name].params.map(([field]) => field)]);
      expect(commandArgs(back)).toEqual(args);
    }
  });

  it('refuses in the frame an unknown command, a missing or extra-long field, a wrong type', () => {
    const bad = (cmd: unknown) => () => decodeCloudFrame(JSON.stringify({ ...commandFrame(cmd as BoxCommand) }));
    expect(bad({ name: 'reboot' })).toThrow(/invalid cloud frame "command" at cmd.name/);
    expect(bad({ name: 'hangup' })).toThrow(/at cmd.extension/);
    expect(bad({ name: 'hangup', extension: '' })).toThrow(/at cmd.extension/);
    expect(bad({ name: 'blacklistAdd', number: 'x'.repeat(1025) })).toThrow(/at cmd.number/);
    expect(bad({ name: 'agentPause', queue: 'q', member: '801', paused: 'on' })).toThrow(/at cmd.paused/);
  });

  it('takes an Idempotency-Key for the commands that change the PBX, and only those', () => {
    expect([...WRITE_COMMANDS].sort()).toEqual(
      ['agentLogin', 'agentLogout', 'agentPause', 'blacklistAdd', 'blacklistRemove', 'clickToCall', 'hangup', 'spy', 'transfer'].sort(),
    );
  });

  it("has the relay check every text field with the HTTP edge's patterns", () => {
    expect(COMMAND_FIELDS.agentPause).toEqual([
      ['queue', 'queue'],
      ['member', 'extension'],
    ]);
    expect(COMMAND_FIELDS.clickToCall).toEqual([
      ['src', 'extension'],
      ['dst', 'number'],
    ]);
    expect(COMMAND_FIELDS.blacklistAdd).toEqual([['number', 'blacklistNumber']]);
    // The recording path has its own check (recording-path.ts).
    expect(COMMAND_FIELDS.recording).toEqual([]);
    for (const name of COMMAND_NAMES) {
      for (const [field] of COMMAND_FIELDS[name]) {
        const cmd = { ...commandOf(name, sampleArgs(name) as never), [field]: '801\r\nAction: Originate' };
        expect(() => checkCommandFields(cmd, COMMAND_FIELDS[name]), `${name}.${field}`).toThrow(BoxApiError);
      }
    }
  });
});

describe('dispatch on the relay', () => {
  it('calls the method of each JSON command with its arguments, and a void answer becomes null', async () => {
    for (const name of COMMAND_NAMES.filter((n) => n !== 'recording')) {
      const { pbx, calls } = recordingPbx((m) => (m === 'blacklist' ? ['0612'] : undefined));
      const args = sampleArgs(name);
      const result = await dispatchCommand(pbx, commandOf(name, args as never));
      expect(calls).toEqual([{ method: name, args }]);
      expect(result).toEqual(name === 'blacklist' ? ['0612'] : null);
    }
  });

  it('leaves recording to the file path', async () => {
    const { pbx, calls } = recordingPbx();
    await expect(dispatchCommand(pbx, { name: 'recording', path: 'a.wav' })).rejects.toThrow(/streamed/);
    expect(calls).toEqual([]);
  });
});

describe("the cloud's methods", () => {
  it('send one command per call, which the relay dispatches back to the same call', async () => {
    const { pbx, calls } = recordingPbx((m) => `answer of ${m}`);
    const sent: BoxCommand[] = [];
    const methods = commandMethods(async (cmd) => {
      sent.push(cmd);
      return dispatchCommand(pbx, throughFrame(cmd));
    });
    expect(Object.keys(methods).sort()).toEqual(COMMAND_NAMES.filter((n) => n !== 'recording').sort());
    for (const [name, method] of Object.entries(methods)) {
      const args = sampleArgs(name as BoxCommandName);
      expect(await (method as (...a: unknown[]) => Promise<unknown>)(...args)).toBe(`answer of ${name}`);
      expect(calls.at(-1)).toEqual({ method: name, args });
    }
    expect(sent.map((c) => c.name)).toEqual(Object.keys(methods));
    await expect(methods.agentPause('support', '801', true)).resolves.toBe('answer of agentPause');
    expect(sent.at(-1)).toEqual({ name: 'agentPause', queue: 'support', member: '801', paused: true });
  });
});
