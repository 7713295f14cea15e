/**
 * Putting the relay's answer back together, without sockets: the frames the
 * relay cuts (protocol/src/wire/parts.ts) come back as the same result or
 * the same bytes; a relay refusal becomes the caller's status; a broken
 * sequence or a lost connection fails the caller instead of hanging it.
 */
import { describe, expect, it } from 'vitest';
import { BoxApiError } from '../../../protocol/src/box-api/errors.js';
import type { PartFrame, ReplyFrame } from '../../../protocol/src/wire/frames.js';
import { fileParts, resultFrames } from '../../../protocol/src/wire/parts.js';
import { relayGone } from './errors.js';
import type { CommandOutcome } from './gateway.js';
import { PendingReply } from './replies.js';

function pending() {
  let outcome: CommandOutcome | undefined;
  let error: Error | undefined;
  const p = new PendingReply(
    (o) => (outcome = o),
    (e) => (error = e),
  );
  return { p, outcome: () => outcome, error: () => error };
}

function feed(p: PendingReply, frames: Array<ReplyFrame | PartFrame>): void {
  for (const f of frames) (f.t === 'reply' ? p.onReply(f) : p.onPart(f));
}

async function bytesOf(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of body) out.push(Buffer.from(c));
  return Buffer.concat(out);
}

describe('PendingReply', () => {
  it('gives back a result sent whole or in parts, complete only with the last part', () => {
    const small = pending();
    feed(small.p, resultFrames('cmd_1', ['123456']) as ReplyFrame[]);
    expect([small.p.complete, small.outcome()]).toEqual([true, { kind: 'json', result: ['123456'] }]);

    const result = Array.from({ length: 4000 }, (_, i) => ({ calleridnum: String(i), channel: `SIP/${i}-0000001` }));
    const frames = resultFrames('cmd_2', result) as Array<ReplyFrame | PartFrame>;
    const big = pending();
    feed(big.p, frames.slice(0, -1));
    expect([big.p.complete, big.outcome()]).toEqual([false, undefined]);
    feed(big.p, frames.slice(-1));
    expect([big.p.complete, big.outcome()]).toEqual([true, { kind: 'json', result }]);
  });

  it('streams a file\'s bytes as they come, an empty file at once', async () => {
    const audio = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    const r = pending();
    r.p.onReply({ t: 'reply', id: 'cmd_1', ok: true, stream: { contentType: 'audio/wav', size: audio.length } });
    const outcome = r.outcome();
    if (outcome?.kind !== 'file') throw new Error('not a file');
    expect(outcome.file).toMatchObject({ contentType: 'audio/wav', size: audio.length });
    const read = bytesOf(outcome.file.body);
    for await (const part of fileParts('cmd_1', (async function* () { yield audio; })())) r.p.onPart(part);
    expect(r.p.complete).toBe(true);
    expect((await read).equals(audio)).toBe(true);

    const empty = pending();
    empty.p.onReply({ t: 'reply', id: 'cmd_2', ok: true, stream: { contentType: 'audio/wav', size: 0 } });
    expect(empty.p.complete).toBe(true);
    const file = empty.outcome();
    expect(file?.kind === 'file' && (await bytesOf(file.file.body)).length).toBe(0);
  });

  it('turns the relay\'s refusal into the caller\'s status and words; a status the box API does not have into 502', () => {
    const cases: Array<[ReplyFrame['error'], number, string]> = [
      [{ status: 404, message: 'unknown extension 999' }, 404, 'unknown extension 999'],
      [{ status: 502, message: 'Unable to add interface: Already there' }, 502, 'Unable to add interface: Already there'],
      [{ status: 418, message: 'teapot' }, 502, 'teapot'],
      [undefined, 502, 'relay error'],
    ];
    for (const [error, status, message] of cases) {
      const r = pending();
      r.p.onReply({ t: 'reply', id: 'cmd_1', ok: false, error });
      expect(r.error()).toBeInstanceOf(BoxApiError);
      expect([r.p.complete, (r.error() as BoxApiError).status, r.error()!.message]).toEqual([true, status, message]);
    }
  });

  it('fails the caller on a part out of order, and when the connection goes away mid-file', async () => {
    const frames = resultFrames('cmd_1', Array.from({ length: 4000 }, (_, i) => ({ n: i, pad: 'x'.repeat(20) }))) as Array<ReplyFrame | PartFrame>;
    const skipped = pending();
    feed(skipped.p, [frames[0], frames[2]]);
    expect([skipped.p.complete, skipped.error()?.message]).toEqual([true, 'relay sent part 1, expected 0']);

    const cut = pending();
    cut.p.onReply({ t: 'reply', id: 'cmd_2', ok: true, stream: { contentType: 'audio/wav', size: 100_000 } });
    const outcome = cut.outcome();
    if (outcome?.kind !== 'file') throw new Error('not a file');
    cut.p.onPart({ t: 'part', id: 'cmd_2', n: 0, last: false, data: Buffer.alloc(10).toString('base64') });
    cut.p.abort(relayGone());
    await expect(bytesOf(outcome.file.body)).rejects.toMatchObject({ status: 503, message: 'site relay disconnected before answering' });
  });
});
