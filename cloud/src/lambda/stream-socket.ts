/**
 * Lambda entry: the event stream's WebSocket API routes — `connect`
 * ($connect), `disconnect` ($disconnect). Built at import time; settings from
 * the environment (config.ts). Clients send nothing the stream acts on, so
 * the stack gives the API no $default route.
 */

import { configFromEnv } from './config.js';
import { createStreamSocketHandlers } from './handlers/stream-socket.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const handlers = createStreamSocketHandlers(configFromEnv('streamSocket'));

export const connect = handlers.connect;
export const disconnect = handlers.disconnect;
