/**
 * How an answer bigger than a frame crosses the tunnel, for both ends: the
 * relay cuts it into frames here, the cloud puts it back together
 * (cloud/src/tunnel/replies.ts).
 *
 *   JSON   one `reply` when it fits a frame; otherwise `reply {parts: n}` and
 *          n `part` frames (n = 0…n-1, the last one flagged) carrying the
 *          result's JSON text, cut so that each frame stays under 32 KB
 *          however much escaping grows it.
 *   file   `reply {stream: {contentType, size}}` (said by the caller), then
 *          base64 `part` frames of at most FILE_PART_BYTES raw bytes each.
 */

import { splitForFrames } from './codec.js';
import { MAX_FRAME_BYTES, type PartFrame, type RelayFrame } from './frames.js';

/** Raw bytes per file part: base64 grows them by 4/3 and the frame must stay under 32 KB. */
export const FILE_PART_BYTES = 22 * 1024;

/** Room left in a frame for its envelope (`{"t":"reply","id":…}`). */
const ENVELOPE_BYTES = 256;

/** The frames of a successful JSON answer. */
export function resultFrames(id: string, result: unknown): RelayFrame[] {
  const whole: RelayFrame = { t: 'reply', id, ok: true, result };
  if (Buffer.byteLength(JSON.stringify(whole)) <= MAX_FRAME_BYTES - ENVELOPE_BYTES) return [whole];
  const parts = splitForFrames(JSON.stringify(result));
  return [{ t: 'reply', id, ok: true, parts: parts.length }, ...parts.map((data, n): PartFrame => ({ t: 'part', id, n, last: n === parts.length - 1, data }))];
}

/** A file's bytes as base64 `part` frames, as its chunks arrive; the last frame is flagged (and may be empty). */
export async function* fileParts(id: string, body: AsyncIterable<Uint8Array>, partBytes = FILE_PART_BYTES): AsyncGenerator<PartFrame> {
  let n = 0;
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of body) {
    pending = Buffer.concat([pending, Buffer.from(chunk)]);
    while (pending.length >= partBytes) {
      yield { t: 'part', id, n: n++, last: false, data: pending.subarray(0, partBytes).toString('base64') };
      pending = pending.subarray(partBytes);
    }
  }
  yield { t: 'part', id, n: n++, last: true, data: pending.toString('base64') };
}
