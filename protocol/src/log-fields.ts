/**
 * The names of the fields our JSON log lines carry, declared once for the
 * relay and the cloud, so one query (`siteId`, `requestId`, `commandId`,
 * `connectionId`) follows a request from the cloud's HTTP edge through the
 * tunnel into the relay's AMI action and back.
 */
export const LogField = {
  /** Which program wrote the line: `relay` or `cloud`. */
  service: 'service',
  /** The part of the program (`tunnel`, `ami`, `events`, ...). */
  component: 'component',
  tenantId: 'tenantId',
  siteId: 'siteId',
  /** The cloud's id of one HTTP request; it travels with the command to the relay. */
  requestId: 'requestId',
  /** The id of one command frame in the tunnel. */
  commandId: 'commandId',
  /** The box command's name (`agentPause`, ...). */
  command: 'command',
  /** One tunnel connection (the same id on both sides where the cloud tells it). */
  connectionId: 'connectionId',
  webhookId: 'webhookId',
  eventId: 'eventId',
  seq: 'seq',
  error: 'error',
} as const;

export type LogFieldName = (typeof LogField)[keyof typeof LogField];
