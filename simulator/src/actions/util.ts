/**
 * Shared shapes and header helpers of the action handlers.
 */

import type { AmiMessage } from '../../../ami-codec/src/message.js';
import type { Frame } from '../ami/frame.js';
import type { AmiSession } from '../ami/session.js';
import type { SimulatorCore } from '../core.js';

export type ActionHandler = (core: SimulatorCore, m: AmiMessage, session: AmiSession) => Frame[] | Promise<Frame[]>;

export type ActionTable = Record<string, ActionHandler>;

/** A header that must be present and not empty. */
export function header(m: AmiMessage, name: string): string | undefined {
  const v = m.get(name);
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** ast_true(): yes, true, y, t, 1, on. */
export function isTrue(v: string | undefined): boolean {
  return v !== undefined && /^(yes|true|y|t|1|on)$/i.test(v.trim());
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `2026-11-24` and `09:34:10` in local time (CoreStatus). */
export function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function localTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `00:00:04` (CoreShowChannel Duration). */
export function hms(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}
