/**
 * How the cloud reaches a site's relay. The API code sees only this
 * interface; the local cloud implements it with in-process WebSockets
 * (local-hub.ts), the AWS deployment with API Gateway's management API and
 * DynamoDB (cloud/src/lambda).
 */

import type { BoxCommand } from '../../../protocol/src/box-api/commands.js';
import type { RecordingFile } from '../../../protocol/src/box-api/pbx.js';
import type { RelayStatus } from '../store/relays.js';

export interface CommandRequest {
  siteId: string;
  command: BoxCommand;
  /** The HTTP caller's Idempotency-Key (write commands). */
  idempotencyKey?: string;
  requestId: string;
  /** Epoch ms after which the caller gets 504. */
  deadlineMs: number;
}

export type CommandOutcome =
  | { kind: 'json'; result: unknown }
  | { kind: 'file'; file: RecordingFile }
  /** The recording was uploaded to object storage; fetch it here. */
  | { kind: 'redirect'; url: string };

export interface RelayGateway {
  /** Run a command on the site's relay. Throws BoxApiError: 503 offline, 504 deadline, or the relay's own status. */
  command(req: CommandRequest): Promise<CommandOutcome>;
  status(siteId: string): Promise<RelayStatus>;
  /** Close the site's relay connection (its token was rotated). */
  disconnect(siteId: string, reason: string): Promise<void>;
}
