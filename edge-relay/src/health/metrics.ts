/**
 * The relay's Prometheus metrics (prom-client), in a Registry of its own (not
 * prom-client's global one), so several relays can run in one process. The
 * parts do not know about metrics: this module observes them — the AMI
 * client's and the pusher's events, the spool's appends — and reads gauges
 * from them when scraped. Box commands are timed by wrapping the Pbx that
 * both the LAN API and the tunnel's runner call, so a command is measured the
 * same way wherever it came from.
 *
 * README "Health and metrics" lists every metric.
 */

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { COMMANDS, type BoxCommandName } from '../../../protocol/src/box-api/commands.js';
import type { Pbx } from '../../../protocol/src/box-api/pbx.js';
import { EVENT_TYPES } from '../../../protocol/src/events/box-events.js';
import type { AmiClient } from '../ami/client.js';
import type { AmiReadiness } from '../ami/readiness.js';
import type { LanPusher } from '../events/lan-push.js';
import type { Spool, SpoolRecord } from '../events/spool.js';
import type { TunnelSupervisor } from '../tunnel/supervisor.js';

/** What the metrics watch. */
export interface ObservedRelay {
  ami: AmiClient;
  readiness: AmiReadiness;
  spool: Spool;
  /** The spool's consumers (`lan`, `cloud`): one pending gauge each. */
  consumers: readonly string[];
  pusher?: LanPusher;
  version: string;
}

/** AMI round trips take milliseconds; a slow PBX, seconds; the action timeout caps them. */
const COMMAND_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const bit = (b: boolean) => (b ? 1 : 0);

export class RelayMetrics {
  readonly registry = new Registry();
  private readonly commandDuration: Histogram<'command'>;
  private readonly detach: Array<() => void> = [];

  constructor(private readonly parts: ObservedRelay) {
    const registers = [this.registry];
    const { ami, readiness, spool, consumers, pusher } = parts;
    collectDefaultMetrics({ register: this.registry });

    new Gauge({ name: 'coocenter_relay_info', help: 'The relay\'s version (always 1)', labelNames: ['version'], registers }).set({ version: parts.version }, 1);
    new Gauge({
      name: 'coocenter_relay_ami_connected',
      help: 'Whether the AMI session to Asterisk is logged in (1) or not (0)',
      registers,
      collect() {
        this.set(bit(ami.connected));
      },
    });
    new Gauge({
      name: 'coocenter_relay_ami_ready',
      help: 'Whether AMI can serve the box API (1): logged in and the channel driver there; see /readyz for why not',
      registers,
      collect() {
        this.set(bit(readiness.state.ready));
      },
    });
    new Gauge({
      name: 'coocenter_relay_spool_pending',
      help: 'Events numbered but not yet delivered, per consumer (lan: the LAN push, cloud: the tunnel)',
      labelNames: ['consumer'],
      registers,
      collect() {
        for (const consumer of consumers) this.set({ consumer }, spool.seq - spool.cursor(consumer));
      },
    });

    const reconnects = new Counter({ name: 'coocenter_relay_ami_reconnects_total', help: 'AMI sessions established again after one was lost', registers });
    let logins = 0;
    this.on(ami, 'ready', () => {
      if (logins++ > 0) reconnects.inc();
    });

    const events = new Counter({ name: 'coocenter_relay_events_total', help: 'Box events produced (numbered into the spool), by type', labelNames: ['event'], registers });
    for (const event of EVENT_TYPES) events.inc({ event }, 0);
    this.on(spool, 'appended', (records: SpoolRecord[]) => {
      for (const r of records) events.inc({ event: r.event.event });
    });

    const pushFailures = new Counter({ name: 'coocenter_relay_lan_push_failures_total', help: 'LAN push attempts the receiver ([general] URL) refused or did not answer', registers });
    if (pusher) this.on(pusher, 'failed', () => pushFailures.inc());

    this.commandDuration = new Histogram({
      name: 'coocenter_relay_command_duration_seconds',
      help: 'How long box commands took on the PBX (LAN API and tunnel alike), by command',
      labelNames: ['command'],
      buckets: COMMAND_BUCKETS,
      registers,
    });
  }

  /** With `[cloud]` configured: coocenter_relay_tunnel_connected (absent otherwise, rather than a misleading 0). */
  watchTunnel(tunnel: TunnelSupervisor): void {
    new Gauge({
      name: 'coocenter_relay_tunnel_connected',
      help: 'Whether the tunnel to the cloud is up (1) or not (0)',
      registers: [this.registry],
      collect() {
        this.set(bit(tunnel.connected));
      },
    });
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** `pbx` with every box command timed into coocenter_relay_command_duration_seconds. */
  timed(pbx: Pbx): Pbx {
    const timed = {} as Record<BoxCommandName, unknown>;
    for (const name of Object.keys(COMMANDS) as BoxCommandName[]) {
      const method = (pbx[name] as (...args: unknown[]) => Promise<unknown>).bind(pbx);
      timed[name] = async (...args: unknown[]) => {
        const end = this.commandDuration.startTimer({ command: name });
        try {
          return await method(...args);
        } finally {
          end();
        }
      };
    }
    return timed as unknown as Pbx;
  }

  /** Stop observing (the relay stops). */
  close(): void {
    for (const off of this.detach.splice(0)) off();
    this.registry.clear();
  }

  private on<A extends unknown[]>(source: { on(e: string, f: (...a: A) => void): unknown; off(e: string, f: (...a: A) => void): unknown }, event: string, f: (...a: A) => void): void {
    source.on(event, f);
    this.detach.push(() => source.off(event, f));
  }
}
