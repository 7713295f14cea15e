/**
 * The box's HTTP endpoints, declared once: path, methods, the command
 * (commands.ts) each runs, and how its answer is wrapped in the box's body.
 * routes.ts serves them from this table; the cloud's API document
 * (cloud/src/openapi/box.ts) describes them from it.
 *
 * The bodies are the box's, byte for byte: `{"status":"success",
 * "message":…, "data":…}` in that key order, a bare array for the hints, and
 * the box's fixed words (its spelling too: "tansfer").
 */

import type { BoxCommandName } from './commands.js';

export type BoxMethod = 'GET' | 'HEAD' | 'POST' | 'DELETE';

/** How a command's answer becomes the body. */
export type BoxAnswer =
  /** `{status, message?, data}`: the answer is `data`, after a fixed message when the box has one. */
  | { readonly kind: 'data'; readonly message?: string }
  /** The answer alone (the box answers extension-hints-status with a bare array). */
  | { readonly kind: 'bare' }
  /** `{status, message}`: the message is Asterisk's own words, the command's answer. */
  | { readonly kind: 'message' }
  /** `{status, message}` with the box's fixed words; the command answers nothing. */
  | { readonly kind: 'fixed'; readonly message: string }
  /** The file's bytes (or a 302 to where they are). */
  | { readonly kind: 'file' };

export interface BoxEndpoint {
  /** Under `/coocenter-api` (the relay) or `/sites/{siteId}/coocenter-api` (the cloud). */
  readonly path: string;
  /** In the box's order of preference. */
  readonly methods: readonly BoxMethod[];
  readonly command: BoxCommandName;
  readonly summary: string;
  readonly answer: BoxAnswer;
  /** Form fields beyond the command's own shaped fields, with what they take (agent-pause's `state`). */
  readonly extraFields?: Readonly<Record<string, string>>;
}

export const BOX_ENDPOINTS: readonly BoxEndpoint[] = [
  { path: '/extensions/current-calls', methods: ['POST', 'GET'], command: 'currentCalls', summary: 'Calls in progress', answer: { kind: 'data', message: 'Channels will follow' } },
  { path: '/extensions/extension-status', methods: ['GET', 'POST'], command: 'extensionStatus', summary: 'Registration status of every extension', answer: { kind: 'data', message: 'Peer status list will follow' } },
  { path: '/extensions/extension-hints-status', methods: ['GET', 'POST'], command: 'extensionHints', summary: 'Device state of every extension (a bare array)', answer: { kind: 'bare' } },
  { path: '/queues/queue-info', methods: ['GET', 'POST'], command: 'queueInfo', summary: 'Every queue and its members', answer: { kind: 'data', message: 'Queue status will follow' } },
  {
    path: '/queues/agent-pause',
    methods: ['POST'],
    command: 'agentPause',
    summary: 'Pause or unpause a queue member',
    answer: { kind: 'message' },
    extraFields: { state: 'on (pause) or off (unpause)' },
  },
  { path: '/queues/agent-login', methods: ['POST'], command: 'agentLogin', summary: 'Add an extension to a queue', answer: { kind: 'fixed', message: 'login extension success' } },
  { path: '/queues/agent-logout', methods: ['POST'], command: 'agentLogout', summary: 'Remove an extension from a queue', answer: { kind: 'fixed', message: 'logout extension success' } },
  { path: '/extensions/click-number', methods: ['POST'], command: 'clickToCall', summary: 'Ring src; when it answers, dial dst', answer: { kind: 'message' } },
  { path: '/extensions/hangup', methods: ['POST'], command: 'hangup', summary: 'Hang up the extension\'s call', answer: { kind: 'fixed', message: 'hangup extension success' } },
  // "tansfer" is the box's spelling; integrations may compare it.
  { path: '/extensions/transfer', methods: ['POST'], command: 'transfer', summary: 'Transfer the call of src to dst', answer: { kind: 'fixed', message: 'tansfer extension success' } },
  { path: '/extensions/extenSpy', methods: ['POST'], command: 'spy', summary: 'Listen in on dst\'s call from src', answer: { kind: 'fixed', message: 'spy extension success' } },
  { path: '/blacklist/index', methods: ['GET', 'POST'], command: 'blacklist', summary: 'The blacklisted numbers', answer: { kind: 'data' } },
  { path: '/blacklist/create', methods: ['POST'], command: 'blacklistAdd', summary: 'Blacklist a number', answer: { kind: 'message' } },
  { path: '/blacklist/delete', methods: ['DELETE', 'POST'], command: 'blacklistRemove', summary: 'Take a number off the blacklist', answer: { kind: 'message' } },
  { path: '/monitor/{filePath}', methods: ['GET', 'HEAD'], command: 'recording', summary: 'A call recording (a file under the relay\'s monitor_dir)', answer: { kind: 'file' } },
];

/** The success body of a JSON endpoint, keys in the box's order. */
export function boxAnswerBody(answer: BoxAnswer, result: unknown): unknown {
  switch (answer.kind) {
    case 'data':
      return answer.message === undefined ? { status: 'success', data: result } : { status: 'success', message: answer.message, data: result };
    case 'bare':
      return result;
    case 'message':
      return { status: 'success', message: result };
    case 'fixed':
      return { status: 'success', message: answer.message };
    case 'file':
      throw new Error('a file endpoint has no JSON body');
  }
}
