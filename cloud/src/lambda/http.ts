/**
 * Lambda entry: API Gateway HTTP API (payload v2) → the cloud's Hono app.
 * Built at import time (the cold start); settings from the environment (config.ts).
 */

import { fileURLToPath } from 'node:url';
import { configFromEnv } from './config.js';
import { createHttpHandler } from './handlers/http.js';

// Node 20 is the runtime on purpose; the SDK's advisory would be in every cold start's log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The console's files ship beside the bundle (/var/task/console, copied at bundling: infra/lib/http-api.ts).
export const handler = createHttpHandler(configFromEnv('http'), { consoleDir: fileURLToPath(new URL('./console/', import.meta.url)) });
