/**
 * The words for the box's own codes (dispositions, call-center states, why a
 * queue call was missed, delivery states). The codes stay what the API takes
 * and returns; only what the reader sees is translated, and a code the
 * console does not know is shown as it came.
 */

import type { DeliveryStatus, MissCause } from './api/types.js';
import type { MessageId } from './i18n/index.js';

const DISPOSITION: Record<string, MessageId> = {
  ANSWERED: 'code.answered',
  'NO ANSWER': 'code.noAnswer',
  BUSY: 'code.busy',
  FAILED: 'code.failed',
  bridged: 'code.bridged',
  queue: 'code.queue',
  ivr: 'code.ivr',
  feedback: 'code.feedback',
};

export const MISS_CAUSE_LABEL: Record<MissCause, MessageId> = {
  MEMBER_CANCEL: 'code.memberCancel',
  NO_AGENT_LOGIN: 'code.noAgentLogin',
  NO_ASSIGN: 'code.noAssign',
  NO_AGENT_ANSWER: 'code.noAgentAnswer',
  OTHER: 'code.otherCause',
};

export const DELIVERY_LABEL: Record<DeliveryStatus, MessageId> = {
  pending: 'delivery.pending',
  delivered: 'delivery.delivered',
  retrying: 'delivery.retrying',
  failed: 'delivery.failed',
  skipped: 'delivery.skipped',
};

/** The label of a disposition or cdrState code, if the console knows it. */
export function dispositionLabel(code: string): MessageId | undefined {
  return DISPOSITION[code];
}

export function missCauseLabel(code: string): MessageId | undefined {
  return (MISS_CAUSE_LABEL as Record<string, MessageId>)[code];
}
