/**
 * The relay re-checks every field of a command arriving over the tunnel
 * against the same shapes as the HTTP edge (issue 16, defect 6): a cloud that
 * forwarded `..` or `null` still gets a 400 answer, and nothing reaches AMI.
 * A real relay on the PBX simulator, dialled into a scriptable cloud end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmiMessage } from '../../ami-codec/src/message.js';
import { COMMAND_FIELDS, COMMAND_NAMES, COMMANDS } from '../../protocol/src/box-api/commands.js';
import { BAD_FIELD_VALUES } from '../helpers/bad-values.js';
import { startBoxWorld, type BoxWorld } from '../helpers/box-world.js';
import { startCloudPeer, type CloudPeer, type PeerSocket } from '../helpers/cloud-peer.js';
import { waitFor } from '../helpers/wait.js';

/** Values each kind accepts, to fill the fields not under test. */
const GOOD = { extension: '801', number: '802', queue: '630', blacklistNumber: '4930111' } as const;

describe('commands over the tunnel', () => {
  let peer: CloudPeer;
  let w: BoxWorld;
  let socket: PeerSocket;
  const actions: AmiMessage[] = [];

  beforeAll(async () => {
    peer = await startCloudPeer();
    w = await startBoxWorld({ onAction: (m) => actions.push(m), settings: { cloud: { url: peer.url, token: 'rt.site_test.tokentokentokentoken' } } });
    socket = await peer.socket(1);
    await socket.frame('hello');
    await socket.roundTrip();
  });
  afterAll(async () => {
    await w.stop();
    await peer.close();
  });

  const shaped = COMMAND_NAMES.flatMap((name) => COMMAND_FIELDS[name].map(([field]) => [name, field] as const));

  it.each(shaped)('%s refuses a bad %s with 400, before AMI', async (name, field) => {
    const base: Record<string, unknown> = { name };
    for (const [f, kind] of COMMAND_FIELDS[name]) base[f] = GOOD[kind];
    for (const [param, schema] of COMMANDS[name].params) if (schema.type === 'boolean') base[param] = true;
    let n = 0;
    for (const bad of BAD_FIELD_VALUES.filter((v) => v.trim() !== '')) {
      const id = `${name}-${field}-${n++}`;
      const before = actions.length;
      socket.send({ t: 'command', id, deadline: Date.now() + 5000, cmd: { ...base, [field]: bad } });
      const reply = await waitReply(socket, id);
      expect(reply, `${field}=${JSON.stringify(bad)}`).toMatchObject({ ok: false, error: { status: 400, message: expect.stringMatching(new RegExp(`^invalid ${field}`)) } });
      expect(actions.slice(before).map((a) => a.get('Action')), `${field}=${JSON.stringify(bad)}`).toEqual([]);
    }
  });
});

function waitReply(socket: PeerSocket, id: string) {
  return waitFor(() => socket.frames.find((x) => x.t === 'reply' && x.id === id), { what: `reply to ${id}` });
}
