/**
 * What an agent link may do, declared once: the toolbar of one extension of
 * one site (issue 14), and nothing else.
 *
 * - /v1: the routes whose contract lists the `agent` scope (the site, its
 *   live state, stream tickets, who-am-I), and those with a site in their
 *   path only for its own site (api/auth.ts asks agentSiteRefusal);
 * - the box API: the commands of AGENT_COMMANDS, each with the fields that
 *   must be its own extension (api/tunnel-pbx.ts asks agentCommandRefusal);
 *   the others' fields (click-to-call's and transfer's `dst`) are free;
 * - the stream: its site and extension only (agentStreamFilter), the live
 *   state reduced to what concerns the extension (live/agent-view.ts); the
 *   live route answers the same reduction.
 *
 * Anything else is a 403 `insufficient-scope` saying what the link is for.
 */

import type { BoxCommand, BoxCommandName } from '../../../protocol/src/box-api/commands.js';
import type { AgentBinding } from '../store/api-keys.js';
import type { StreamFilter } from '../stream/filter.js';
import { apiError, type ApiError } from './errors.js';

/** The box commands an agent link may run, and the fields of each that must name its extension. */
export const AGENT_COMMANDS: Readonly<Partial<Record<BoxCommandName, readonly string[]>>> = {
  agentPause: ['member'],
  agentLogin: ['extension'],
  agentLogout: ['extension'],
  clickToCall: ['src'],
  hangup: ['extension'],
  transfer: ['src'],
};

function forWhat(agent: AgentBinding): string {
  return `an agent link acts only for extension ${agent.extension} of site ${agent.siteId}`;
}

/** The refusal of anything an agent link may not do. */
export function agentRefusal(agent: AgentBinding, what: string): ApiError {
  return apiError('insufficient-scope', `${forWhat(agent)}: ${what}`, { required: 'agent', siteId: agent.siteId, extension: agent.extension });
}

/** Why an agent link may not reach this site (undefined: it may). */
export function agentSiteRefusal(agent: AgentBinding, siteId: string | undefined): string | undefined {
  return siteId === undefined || siteId === agent.siteId ? undefined : `not site ${siteId}`;
}

/** Why an agent link may not run this box command (undefined: it may). */
export function agentCommandRefusal(agent: AgentBinding, command: BoxCommand): string | undefined {
  const own = AGENT_COMMANDS[command.name];
  if (!own) return `${forWhat(agent)}: it may not run ${command.name}`;
  const fields = command as unknown as Record<string, unknown>;
  const other = own.find((f) => fields[f] !== agent.extension);
  return other ? `${forWhat(agent)}: ${other} must be ${agent.extension}` : undefined;
}

/** The stream an agent link may follow: its site and extension; asking for anything else is refused, not narrowed. */
export function agentStreamFilter(agent: AgentBinding, asked: StreamFilter): StreamFilter {
  const other = asked.siteIds?.find((s) => s !== agent.siteId);
  if (other) throw agentRefusal(agent, `not site ${other}`);
  const otherExt = asked.extensions?.find((x) => x !== agent.extension);
  if (otherExt) throw agentRefusal(agent, `not extension ${otherExt}`);
  return { ...asked, siteIds: [agent.siteId], extensions: [agent.extension], agentExtension: agent.extension };
}
