/**
 * The live state's changes on AWS: where the relay socket functions apply a
 * site's state frames (live/service.ts), each applied change is posted to the
 * tenant's connections that asked for state (`&state=1`), follow the site, and
 * already had the full state (`stateSent`, set by the resume before it reads
 * the full state: stream/aws-resume.ts; read for each applied frame, so that
 * a new subscriber misses nothing). The same messages as the local hub's,
 * an agent link's reduced to its extension (live/agent-view.ts).
 */

import type { Clock } from '../../../protocol/src/clock.js';
import { LogField } from '../../../protocol/src/log-fields.js';
import type { Logger } from '../../../protocol/src/log.js';
import { ExtensionLiveView } from '../live/agent-view.js';
import type { LivePublisher, LiveStateMessage, LiveStates } from '../live/publisher.js';
import { handshakeWaits, type StreamConnections } from './aws-connections.js';
import type { SubscriptionStore } from './subscriptions.js';

export class AwsLiveStatePublisher implements LivePublisher {
  constructor(
    private readonly subscriptions: Pick<SubscriptionStore, 'forTenant'>,
    private readonly connections: StreamConnections,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  async publish(tenantId: string, siteId: string, message: LiveStateMessage, states?: LiveStates): Promise<void> {
    const subs = await this.subscriptions.forTenant(tenantId);
    const wanting = subs.filter((s) => s.state && s.stateSent && (!s.filter.siteIds || s.filter.siteIds.includes(siteId)));
    // An agent link's stream sees the state reduced to its extension: computed once per extension.
    const reduced = new Map<string, LiveStateMessage | undefined>();
    const shownTo = (extension: string | undefined) => {
      if (extension === undefined) return message;
      if (!reduced.has(extension)) reduced.set(extension, agentMessage(extension, message, states));
      return reduced.get(extension);
    };
    await Promise.all(
      wanting.map(async (s) => {
        const shown = shownTo(s.filter.agentExtension);
        if (!shown) return;
        await this.connections.post(s.connectionId, shown, handshakeWaits(s.createdAt, this.clock.now())).catch((err) => this.logger.warn('stream state post failed', { [LogField.connectionId]: s.connectionId, [LogField.siteId]: siteId, [LogField.error]: err }));
      }),
    );
  }
}

/**
 * What an agent's stream gets for `message` (the local session keeps an
 * ExtensionLiveView per connection; here none lives between invocations, so
 * one is started from the state the frame applied onto). Undefined: nothing
 * the agent sees changed, or a change without the states to reduce it by.
 */
export function agentMessage(extension: string, message: LiveStateMessage, states: LiveStates | undefined): LiveStateMessage | undefined {
  const view = new ExtensionLiveView(extension);
  if (message.full || !message.changes) return view.next(message);
  if (!states) return undefined;
  view.next({ type: 'state', siteId: message.siteId, at: message.at, full: states.before });
  return view.next(message);
}
