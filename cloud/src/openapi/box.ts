/**
 * The box API of every site (`/sites/{siteId}/coocenter-api/...`) in the
 * API document, derived from the box's own tables: the endpoints
 * (protocol/src/box-api/endpoints.ts), the commands' fields and answers
 * (commands.ts) and the fields' shapes (fields.ts). The bodies are the
 * box's, exactly: form-encoded requests, `{"status":"success",…}` answers,
 * `{"status":"error","message"}` errors without a code.
 */

import { COMMAND_FIELDS, COMMANDS } from '../../../protocol/src/box-api/commands.js';
import { BOX_ENDPOINTS, type BoxAnswer, type BoxEndpoint, type BoxMethod } from '../../../protocol/src/box-api/endpoints.js';
import { FIELD_SHAPES, MAX_FIELD_CHARS } from '../../../protocol/src/box-api/fields.js';
import { jsonSchema } from './schema.js';
import type { JsonObject, Operation } from './types.js';

export const BOX_TAG = 'Box API (per site)';
export const BOX_PREFIX = '/sites/{siteId}/coocenter-api';

/** The box's errors: what each status means there (protocol/src/box-api/errors.ts). */
export const BOX_ERRORS: Readonly<Record<number, string>> = {
  400: 'a missing or invalid field (the message names it), or an Idempotency-Key of the wrong shape',
  401: 'the Authorization header is missing, or neither a key of the site\'s tenant nor today\'s md5(WEBKEY + date)',
  403: 'in the cloud: a tenant key without the scope the command needs (calls for a write, read for the rest)',
  404: 'no such site, endpoint, extension, queue, call or file',
  405: 'a method the endpoint does not take (Allow lists them)',
  409: 'an Idempotency-Key whose first run was cut short by a relay restart: whether it ran is unknown',
  413: 'a form body over 16 KiB',
  415: 'a content type other than a form (or JSON)',
  500: 'our fault: logged with the request id',
  502: 'Asterisk answered an error (its words are the message)',
  503: 'the site\'s relay is not connected, or it cannot reach Asterisk',
  504: 'the relay or Asterisk did not answer in time',
};

const BoxError: JsonObject = {
  type: 'object',
  properties: { status: { const: 'error' }, message: { type: 'string', description: 'what went wrong, in the box\'s words' } },
  required: ['status', 'message'],
  additionalProperties: false,
};

/** The form fields an endpoint takes, as a JSON Schema object. */
function formSchema(e: BoxEndpoint): JsonObject | undefined {
  const properties: Record<string, JsonObject> = {};
  for (const [name, kind] of COMMAND_FIELDS[e.command]) {
    const shape = FIELD_SHAPES[kind];
    properties[name] = { type: 'string', maxLength: MAX_FIELD_CHARS, pattern: shape.pattern.source, description: shape.describe };
  }
  for (const [name, describe] of Object.entries(e.extraFields ?? {})) properties[name] = { type: 'string', description: describe };
  const required = Object.keys(properties);
  if (required.length === 0) return undefined;
  return { type: 'object', properties, required };
}

function successSchema(answer: BoxAnswer, data: JsonObject): JsonObject {
  const status = { const: 'success' };
  switch (answer.kind) {
    case 'data': {
      const properties = answer.message === undefined ? { status, data } : { status, message: { const: answer.message }, data };
      return { type: 'object', properties, required: Object.keys(properties) };
    }
    case 'bare':
      return data;
    case 'message':
      return { type: 'object', properties: { status, message: { ...data, description: 'Asterisk\'s own words' } }, required: ['status', 'message'] };
    case 'fixed':
      return { type: 'object', properties: { status, message: { const: answer.message } }, required: ['status', 'message'] };
    case 'file':
      return { type: 'string', contentMediaType: 'application/octet-stream' };
  }
}

function responses(e: BoxEndpoint): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  const answers = COMMANDS[e.command].answers;
  if (e.answer.kind === 'file') {
    out['200'] = {
      description: 'the file (audio/wav, audio/mpeg…)',
      content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
    };
    out['302'] = { description: 'on AWS: to a presigned URL of the file, valid for minutes', headers: { Location: { schema: { type: 'string' } } } };
  } else {
    const data = answers === undefined ? {} : (jsonSchema(answers as Parameters<typeof jsonSchema>[0]) as JsonObject);
    out['200'] = { description: 'the box\'s answer, byte for byte', content: { 'application/json': { schema: successSchema(e.answer, data) } } };
  }
  const statuses = Object.keys(BOX_ERRORS).map(Number);
  for (const status of statuses) {
    if ((status === 413 || status === 415) && !formSchema(e)) continue;
    if (status === 409 && !COMMANDS[e.command].write) continue;
    out[String(status)] = { description: BOX_ERRORS[status], content: { 'application/json': { schema: BoxError } } };
  }
  return out;
}

function operation(e: BoxEndpoint, method: BoxMethod, index: number): Operation {
  const form = formSchema(e);
  const parameters: JsonObject[] = [{ name: 'siteId', in: 'path', required: true, schema: { type: 'string', pattern: '^site_[a-z0-9]{16}$' }, description: 'the site' }];
  if (e.answer.kind === 'file') {
    parameters.push({ name: 'filePath', in: 'path', required: true, schema: { type: 'string' }, description: 'the file\'s path under monitor_dir, as the cc_cdr record\'s filePath' });
  }
  if (COMMANDS[e.command].write) parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,128}$' }, description: 'a write with the same key runs once: a repeat within 24 hours gets the first answer' });
  const op: Operation = {
    operationId: `box${e.command[0].toUpperCase()}${e.command.slice(1)}${index === 0 ? '' : `Via${method[0]}${method.slice(1).toLowerCase()}`}`,
    summary: e.summary,
    tags: [BOX_TAG],
    security: [{ webkey: [] }, { tenantKey: [] }],
    parameters,
    responses: responses(e),
  };
  if (form && method === 'DELETE') {
    // DELETE clients often cannot send a body: the box reads the query too.
    for (const [name, schema] of Object.entries(form.properties as Record<string, JsonObject>)) parameters.push({ name, in: 'query', required: true, schema });
  } else if (form) {
    op.requestBody = {
      required: true,
      description: 'the box\'s form fields (multipart and a JSON object of strings are taken too)',
      content: { 'application/x-www-form-urlencoded': { schema: form }, 'multipart/form-data': { schema: form }, 'application/json': { schema: form } },
    };
  }
  return op;
}

/** The box API's paths, in the document's form. */
export function boxPaths(): Record<string, Record<string, Operation>> {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const e of BOX_ENDPOINTS) {
    const item: Record<string, Operation> = {};
    e.methods.forEach((method, i) => {
      item[method.toLowerCase()] = operation(e, method, i);
    });
    paths[`${BOX_PREFIX}${e.path}`] = item;
  }
  return paths;
}
