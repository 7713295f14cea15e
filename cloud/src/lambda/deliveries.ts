/**
 * Lambda entry: the webhook delivery queues' consumer (standard and FIFO
 * queue as event sources, ReportBatchItemFailures). Built at import time;
 * settings from the environment (config.ts).
 */

import { configFromEnv } from './config.js';
import { createDeliveriesHandler } from './handlers/deliveries.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const handler = createDeliveriesHandler(configFromEnv('deliveries'));
