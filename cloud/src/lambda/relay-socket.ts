/**
 * Lambda entry: the relays' WebSocket API routes — `connect` ($connect),
 * `disconnect` ($disconnect), `message` ($default). Built at import time;
 * settings from the environment (config.ts).
 */

import { configFromEnv } from './config.js';
import { createRelaySocketHandlers } from './handlers/relay-socket.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const handlers = createRelaySocketHandlers(configFromEnv('relaySocket'));

export const connect = handlers.connect;
export const disconnect = handlers.disconnect;
export const message = handlers.message;
