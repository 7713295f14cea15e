/**
 * Lambda entry: the event stream's WebSocket API routes — `connect`
 * ($connect), `disconnect` ($disconnect) — and `resume`, which `connect`
 * invokes asynchronously. Built at import time; settings from
 * the environment (config.ts). Clients send nothing the stream acts on, so
 * the stack gives the API no $default route.
 */

import { configFromEnv } from './config.js';
import { createStreamSocketHandlers } from './handlers/stream-socket.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const handlers = createStreamSocketHandlers(configFromEnv('streamSocket'));

export const connect = handlers.connect;
export const disconnect = handlers.disconnect;
/** Invoked asynchronously by `connect` (STREAM_RESUME_FUNCTION): replays `after`, then the live state. */
export const resume = handlers.resume;
