/**
 * What the variant tests share: one simulator and one logged-in client
 * (Events: on) per test, `settled()` to end a test's traffic and check every
 * event type's headers against the recordings (decoded, and from the bytes),
 * and small look-ups.
 *
 * `sim` and `client` are live bindings: importers see the ones the last
 * `open()` started. Each test file registers `afterEach(closeVariant)`.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { AmiMessage } from '../../../ami-codec/src/message.js';
import { startSimulator, type PbxSimulator, type SimulatorOptions } from '../index.js';
import { AmiTestClient } from './ami-test-client.js';
import { rawShapeMismatches, text } from './raw-bytes.js';
import { allRecordedMessages, shapeMismatches } from './recording-shapes.js';

export let sim: PbxSimulator;
export let client: AmiTestClient;
const tmpDirs: string[] = [];

export async function open(options: SimulatorOptions = {}): Promise<void> {
  sim = await startSimulator({ timeScale: 0.01, ...options });
  client = await AmiTestClient.connect(sim.port);
  await client.login();
}

export async function closeVariant(): Promise<void> {
  client?.close();
  await sim?.close();
  for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A fresh directory, removed after the test. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

/** End the test's traffic (a Ping round trip), check headers against the recordings, return the events. */
export async function settled(): Promise<AmiMessage[]> {
  await client.action('Ping');
  const events = client.events();
  expect(shapeMismatches(client.messages, allRecordedMessages())).toEqual([]);
  expect(rawShapeMismatches(text(client.raw))).toEqual([]);
  return events;
}

export const names = (evs: AmiMessage[]) => evs.map((e) => e.event);
export const first = (evs: AmiMessage[], name: string, pred: (m: AmiMessage) => boolean = () => true) => evs.find((e) => e.event === name && pred(e));

/** Poll the simulator's state until `fn` gives something. */
export async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
