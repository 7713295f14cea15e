/**
 * What /readyz answers, from the parts' state (pure): ready when AMI can
 * serve the box API and, where `[cloud]` is configured, the tunnel is up.
 * The body says the same either way, so an operator's `curl` shows what is
 * down and why.
 */

import type { AmiReadinessState } from '../ami/readiness.js';
import type { AmiState } from '../ami/client.js';
import type { TunnelState } from '../tunnel/supervisor.js';

export interface ReadinessInput {
  ami: { state: AmiState; readiness: AmiReadinessState };
  /** Absent when no `[cloud]` is configured. */
  tunnel?: { state: TunnelState; connected: boolean; siteId?: string; lastError?: Error };
}

export interface PartReport {
  ok: boolean;
  state: string;
  reason?: string;
  [detail: string]: unknown;
}

export interface Readiness {
  ready: boolean;
  body: { ami: PartReport; tunnel: PartReport };
}

export function readiness(input: ReadinessInput): Readiness {
  const r = input.ami.readiness;
  const ami: PartReport = r.ready ? { ok: true, state: input.ami.state, tech: r.tech } : { ok: false, state: input.ami.state, reason: r.reason };
  const t = input.tunnel;
  let tunnel: PartReport;
  if (!t) tunnel = { ok: true, state: 'not configured' };
  else if (t.connected) tunnel = { ok: true, state: t.state, siteId: t.siteId };
  else tunnel = { ok: false, state: t.state, reason: t.lastError?.message ?? (t.state === 'connecting' ? 'connecting to the cloud' : 'not connected to the cloud') };
  return { ready: ami.ok && tunnel.ok, body: { ami, tunnel } };
}
