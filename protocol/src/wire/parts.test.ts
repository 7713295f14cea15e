/**
 * Cutting answers into frames: every frame the relay sends fits API
 * Gateway's 32 KB however the text escapes, parts are numbered from 0 with
 * only the last flagged, and the pieces join back into exactly what was cut.
 */
import { describe, expect, it } from 'vitest';
import { encodeFrame } from './codec.js';
import { MAX_FRAME_BYTES, type PartFrame, type RelayFrame } from './frames.js';
import { FILE_PART_BYTES, fileParts, resultFrames } from './parts.js';

const rows = (n: number, text: (i: number) => string) => Array.from({ length: n }, (_, i) => ({ Exten: String(800 + i), Status: text(i) }));

function expectWellCut(frames: RelayFrame[]): PartFrame[] {
  for (const f of frames) expect(Buffer.byteLength(encodeFrame(f))).toBeLessThanOrEqual(MAX_FRAME_BYTES);
  const [head, ...parts] = frames as [Extract<RelayFrame, { t: 'reply' }>, ...PartFrame[]];
  expect(head).toMatchObject({ t: 'reply', id: 'cmd_1', ok: true, parts: parts.length });
  expect(parts.map((p) => p.n)).toEqual(parts.map((_, i) => i));
  expect(parts.map((p) => p.last)).toEqual(parts.map((_, i) => i === parts.length - 1));
  return parts;
}

describe('resultFrames', () => {
  it('sends an answer that fits as one reply', () => {
    const result = rows(10, () => 'OK (1 ms)');
    expect(resultFrames('cmd_1', result)).toEqual([{ t: 'reply', id: 'cmd_1', ok: true, result }]);
  });

  it('cuts a big answer into numbered parts that join back into it', () => {
    const result = rows(3000, (i) => `UNREACHABLE since ${i}`);
    const parts = expectWellCut(resultFrames('cmd_1', result));
    expect(parts.length).toBeGreaterThan(2);
    expect(JSON.parse(parts.map((p) => p.data).join(''))).toEqual(result);
  });

  it('keeps every frame under the limit when escaping doubles or sextuples the text', () => {
    // Quotes and backslashes double in JSON; control characters become \u00XX; emoji are 4 bytes.
    const result = rows(2000, (i) => `"\\\u0001${'😀'.repeat(i % 5)}\t`);
    const parts = expectWellCut(resultFrames('cmd_1', result));
    expect(JSON.parse(parts.map((p) => p.data).join(''))).toEqual(result);
  });
});

describe('fileParts', () => {
  async function* chunks(sizes: number[]) {
    let byte = 0;
    for (const n of sizes) yield Uint8Array.from({ length: n }, () => byte++ % 251);
  }
  const collect = async (it: AsyncIterable<PartFrame>) => {
    const out: PartFrame[] = [];
    for await (const p of it) out.push(p);
    return out;
  };

  it('re-cuts whatever chunks arrive into full parts, the last one flagged, bytes intact', async () => {
    const sizes = [1000, 50_000, 7, 30_000];
    const parts = await collect(fileParts('cmd_1', chunks(sizes)));
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(parts).toHaveLength(Math.floor(total / FILE_PART_BYTES) + 1);
    expect(parts.map((p) => p.last)).toEqual(parts.map((_, i) => i === parts.length - 1));
    for (const p of parts) expect(Buffer.byteLength(encodeFrame(p))).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    const bytes = Buffer.concat(parts.map((p) => Buffer.from(p.data, 'base64')));
    expect(bytes.length).toBe(total);
    expect([...bytes.subarray(0, 300)]).toEqual(Array.from({ length: 300 }, (_, i) => i % 251));
  });

  it('ends with an empty last part when the bytes divide evenly', async () => {
    const parts = await collect(fileParts('cmd_1', chunks([FILE_PART_BYTES * 2])));
    expect(parts.map((p) => [p.n, p.last, Buffer.from(p.data, 'base64').length])).toEqual([
      [0, false, FILE_PART_BYTES],
      [1, false, FILE_PART_BYTES],
      [2, true, 0],
    ]);
  });
});
