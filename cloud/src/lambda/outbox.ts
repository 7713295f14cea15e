/**
 * Lambda entry: `handler` consumes the events table's stream (new OUTBOX#
 * items, ReportBatchItemFailures); `sweep` runs on a schedule for items the
 * stream gave up on. Built at import time; settings from the environment.
 */

import { configFromEnv } from './config.js';
import { createOutboxHandlers } from './handlers/outbox.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const outbox = createOutboxHandlers(configFromEnv('outbox'));

export const handler = outbox.handler;
export const sweep = outbox.sweep;
