/**
 * The cloud's end of the tunnels on AWS, one API Gateway route at a time:
 *
 * - $connect: the relay token (Authorization: Bearer, or ?token=) is checked
 *   once; the connection's site is recorded, later frames only carry the
 *   connection id. A bad token answers 401, which refuses the upgrade.
 * - $default: one frame per invocation, and API Gateway runs a connection's
 *   frames in parallel (in as many instances as it likes). That is safe:
 *   events are stored by (site, seq) and the ack is the gap-free mark, which
 *   carries itself over batches stored out of order (store/events.ts);
 *   replies go to their own command's item.
 * - $disconnect: the site goes offline (unless a newer connection took over)
 *   and whoever still waits for an answer on this connection is told.
 *
 * One connection is active per site: a newer one's hello takes over (it is
 * welcomed before it becomes the RELAY item, so no command reaches a relay
 * that would ignore it), and the older one takes no new command and is closed
 * once the ones it carries are answered — make-before-break, as in the local
 * hub.
 */

import type { Clock } from '../../../protocol/src/clock.js';
import type { Logger } from '../../../protocol/src/log.js';
import { decodeRelayFrame } from '../../../protocol/src/wire/codec.js';
import type { CloudFrame, HelloFrame, RelayFrame } from '../../../protocol/src/wire/frames.js';
import type { AccountStore } from '../store/accounts.js';
import type { ConnectionInfo, ConnectionStore } from '../store/connections.js';
import type { EventStore } from '../store/events.js';
import type { RelayPresence } from '../outages/presence.js';
import type { PendingCommandStore } from '../store/pending-commands.js';
import type { RelayConnections } from './apigw-connections.js';
import type { LiveService } from '../live/service.js';
import { checkHello, checkSeq, disconnectReason, onEvents, onState, onStatus, settingsOf, statementOf, welcomeCaps, type RelayContext } from './inbound.js';
import { LogField } from '../../../protocol/src/log-fields.js';

export interface RelaySocketOptions {
  accounts: AccountStore;
  events: EventStore;
  /** The sites' relay state and outages (outages/presence.ts). */
  presence: RelayPresence;
  connections: ConnectionStore;
  pending: PendingCommandStore;
  api: RelayConnections;
  clock: Clock;
  logger: Logger;
  /**
   * How often relays ping (sent in welcome). API Gateway drops a connection
   * idle for 10 minutes; every ping is a Lambda invocation, so not too often.
   */
  pingMs?: number;
  /** Each site's live state (DynamoDB, written conditionally on its version). */
  live?: LiveService;
}

/** An upper bound for waiting on the older connection's commands, whatever time is left. */
const MAX_RETIRE_MS = 25_000;

export class RelaySocket {
  private readonly log: Logger;
  private readonly pingMs: number;

  constructor(private readonly opts: RelaySocketOptions) {
    this.log = opts.logger.child({ [LogField.component]: 'relay-socket' });
    this.pingMs = Math.min(opts.pingMs ?? 30_000, 30_000);
  }

  /** $connect: 200 accepts the upgrade, 401 refuses it. */
  async connect(c: { connectionId: string; authorization?: string; token?: string }): Promise<200 | 401 | 500> {
    const header = c.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : (c.token ?? '');
    let site;
    try {
      site = token ? await this.opts.accounts.siteForRelayToken(token) : undefined;
    } catch (err) {
      this.log.error('relay authentication failed', { [LogField.error]: err, [LogField.connectionId]: c.connectionId });
      return 500;
    }
    if (!site) {
      this.log.info('relay refused: invalid token', { [LogField.connectionId]: c.connectionId });
      return 401;
    }
    await this.opts.connections.put({ connectionId: c.connectionId, siteId: site.id, tenantId: site.tenantId, connectedAt: new Date(this.opts.clock.now()).toISOString() });
    return 200;
  }

  /** $default: one frame. `remainingMs` is the invocation's time left (Lambda context). */
  async message(c: { connectionId: string; body: string; remainingMs: () => number }): Promise<void> {
    const { api } = this.opts;
    const info = await this.opts.connections.get(c.connectionId);
    if (!info) {
      // Not registered by $connect (or long expired): nothing to serve it with.
      this.log.warn('frame on an unknown connection; closing it', { [LogField.connectionId]: c.connectionId });
      await api.close(c.connectionId);
      return;
    }
    const log = this.log.child({ [LogField.siteId]: info.siteId, [LogField.connectionId]: c.connectionId });
    let frame: RelayFrame;
    try {
      frame = decodeRelayFrame(c.body);
    } catch (err) {
      log.warn('bad frame from relay', { [LogField.error]: err });
      await api.send(c.connectionId, { t: 'error', code: 'bad-frame', message: (err as Error).message, fatal: false });
      return;
    }
    const ctx = this.context(info, log);
    switch (frame.t) {
      case 'hello':
        await this.hello(info, frame, log, c.remainingMs);
        return;
      case 'events':
        try {
          // Stored, then acked; the events table's stream takes the outbox entry from there.
          await onEvents(ctx, frame);
        } catch (err) {
          log.error('storing events failed; the relay will resend', { [LogField.error]: err });
        }
        return;
      case 'reply':
        if (!(await this.opts.pending.putReply(c.connectionId, frame))) log.info('reply nobody waits for (late or repeated)', { [LogField.commandId]: frame.id });
        return;
      case 'part':
        await this.opts.pending.putPart(c.connectionId, frame, this.opts.clock.now());
        return;
      case 'status': {
        // Noted on the connection first: a hello still being handled reads it from there.
        const ami = statementOf(frame);
        await this.opts.connections.noteAmi(c.connectionId, ami);
        await this.opts.presence.ami(info.siteId, c.connectionId, ami);
        return;
      }
      case 'state':
        await onState(ctx, frame);
        return;
      case 'ping':
        await api.send(c.connectionId, { t: 'pong', ts: frame.ts });
        // The relay is there (the outage sweep goes by this). A connection the
        // sweep took for gone is not the site's any more: have the relay dial afresh.
        if ((await this.opts.presence.seen(info.siteId, c.connectionId)) === 'orphan') {
          log.warn('a connection taken for gone is alive; asking the relay to reconnect');
          await api.send(c.connectionId, { t: 'reconnect', reason: 'the cloud had taken this connection for gone' });
        }
        return;
      case 'pong':
        return;
      case 'error':
        log.warn('relay reported an error', { code: frame.code, message: frame.message });
        return;
    }
  }

  /** $disconnect. */
  async disconnect(c: { connectionId: string; code?: number; reason?: string }): Promise<void> {
    const info = await this.opts.connections.get(c.connectionId);
    // Only the site's active connection counts: one that was already replaced changes nothing.
    if (info) await this.opts.presence.disconnected(info.siteId, c.connectionId, disconnectReason(c.code, c.reason));
    if (info) await this.opts.live?.offline(info.tenantId, info.siteId, c.connectionId, this.log.child({ [LogField.siteId]: info.siteId }));
    const abandoned = await this.opts.pending.abandon(c.connectionId);
    await this.opts.connections.delete(c.connectionId);
    this.log.info('relay connection closed', { [LogField.siteId]: info?.siteId, [LogField.connectionId]: c.connectionId, code: c.code, reason: c.reason, abandoned });
  }

  private context(info: ConnectionInfo, log: Logger): RelayContext {
    return {
      siteId: info.siteId,
      tenantId: info.tenantId,
      connectionId: info.connectionId,
      // An ack that finds the connection gone is lost on purpose: the relay resends on its next one.
      send: async (f: CloudFrame) => void (await this.opts.api.send(info.connectionId, f)),
      events: this.opts.events,
      presence: this.opts.presence,
      clock: this.opts.clock,
      log,
      live: this.opts.live,
    };
  }

  private async hello(info: ConnectionInfo, hello: HelloFrame, log: Logger, remainingMs: () => number): Promise<void> {
    const { api, presence } = this.opts;
    const verdict = checkHello(hello);
    if (!verdict.ok) {
      // API Gateway cannot close with 4000: the reason travels in a fatal error frame first.
      log.warn('relay refused', { reason: verdict.reason });
      await api.send(info.connectionId, { t: 'error', code: 'version-mismatch', message: verdict.reason, fatal: true });
      await api.close(info.connectionId);
      return;
    }
    const seq = await checkSeq(this.opts.events, presence, info.siteId, hello, log);
    if (!seq.ok) {
      // As for a version mismatch: the frame says why, then the connection goes.
      await api.send(info.connectionId, seq.frame);
      await api.close(info.connectionId);
      return;
    }
    const ackedSeq = seq.ackedSeq;
    // Welcome first, then commands: the relay ignores anything before its welcome.
    if (!(await api.send(info.connectionId, { t: 'welcome', v: hello.v, siteId: info.siteId, ackedSeq, pingMs: this.pingMs, ...welcomeCaps(this.opts.live) }))) return;
    const { replaced } = await presence.connected(
      { id: info.siteId, tenantId: info.tenantId },
      { connectionId: info.connectionId, node: 'apigw', since: info.connectedAt, version: hello.relay, settings: settingsOf(hello, log), ami: statementOf(hello) },
    );
    // A status frame run before this hello took effect could not apply itself: it is noted on the connection.
    const noted = await this.opts.connections.amiNoted(info.connectionId);
    if (noted) await presence.ami(info.siteId, info.connectionId, noted);
    log.info('relay connected', { version: hello.relay, amiConnected: hello.amiConnected, ackedSeq, replaced });
    if (replaced) await this.retire(replaced, log, remainingMs);
  }

  /**
   * Close a site's older connection once nothing waits on it: it is marked
   * first, so no command can be sent on it any more, then closed as soon as
   * the commands it already carries are answered (or their deadlines pass),
   * within the time this invocation has left.
   */
  private async retire(connectionId: string, log: Logger, remainingMs: () => number): Promise<void> {
    const { clock, pending, api, connections } = this.opts;
    await connections.retire(connectionId);
    const until = clock.now() + Math.min(MAX_RETIRE_MS, remainingMs() - 2_000);
    while (clock.now() < until && (await pending.inFlight(connectionId, clock.now())) > 0) await new Promise<void>((r) => clock.setTimeout(r, 100));
    await api.close(connectionId);
    log.info('older connection closed (replaced)', { replaced: connectionId });
  }
}
