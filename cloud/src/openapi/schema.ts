/**
 * A valibot schema as the JSON Schema (2020-12, OpenAPI 3.1's dialect) of
 * what travels on the wire. The schemas are the validation's; this only
 * reads them:
 *
 *  - a request is described by what a client sends (the schema's input:
 *    conversion stops at the first transform), a response by what the
 *    handler answers (its input too: AnswerOf in contract/route.ts);
 *  - checks that JSON Schema cannot say (an IANA zone, a parseable instant)
 *    are left to the description, which says them in words;
 *  - a schema whose wire form differs from its valibot type (a query integer
 *    arrives as a string; an enumeration matched in any case) carries
 *    `v.metadata({ wire })`: that JSON Schema is used as is.
 */

import { toJsonSchema, type JsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySchema = v.GenericSchema<any, any>;

interface PipeItem {
  readonly type: string;
  readonly metadata?: { readonly wire?: JsonSchema };
}

/** The `wire` JSON Schema a pipe declares for itself, if any. */
function wireOf(schema: object): JsonSchema | undefined {
  const pipe = (schema as { pipe?: readonly PipeItem[] }).pipe;
  return pipe?.find((item) => item.type === 'metadata' && item.metadata?.wire)?.metadata?.wire;
}

/** Every schema inside `schema` (itself included) that declares its wire form. */
function wireSchemas(schema: unknown, found: Map<object, JsonSchema>, seen = new Set<object>()): Map<object, JsonSchema> {
  if (schema === null || typeof schema !== 'object' || seen.has(schema)) return found;
  seen.add(schema);
  const wire = wireOf(schema);
  if (wire) found.set(schema, wire);
  else for (const value of Object.values(schema)) wireSchemas(value, found, seen);
  return found;
}

const WIRE_REF = '#/$defs/wire';

/** Replaces each `$ref` to a wire definition by the wire schema itself. */
function inline(json: unknown, wires: readonly JsonSchema[]): unknown {
  if (Array.isArray(json)) return json.map((x) => inline(x, wires));
  if (json === null || typeof json !== 'object') return json;
  const { $ref, ...rest } = json as Record<string, unknown>;
  if (typeof $ref === 'string' && $ref.startsWith(WIRE_REF)) return { ...wires[Number($ref.slice(WIRE_REF.length))], ...rest };
  const out: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(json)) out[k] = inline(value, wires);
  return out;
}

export function jsonSchema(schema: AnySchema): JsonSchema {
  // The wire schemas become definitions (so the converter refers to them instead of converting them), then are put in place.
  const found = [...wireSchemas(schema, new Map())];
  const definitions = Object.fromEntries(found.map(([s], i) => [`wire${i}`, s as AnySchema]));
  const converted = toJsonSchema(schema, { target: 'draft-2020-12', typeMode: 'input', errorMode: 'ignore', definitions });
  // Each schema is embedded in the document, which declares the dialect once.
  const { $schema: _dialect, $defs: _wires, ...rest } = converted;
  return inline(rest, found.map(([, wire]) => wire)) as JsonSchema;
}

/** The properties of an object schema, each with whether it is required (path and query parameters). */
export function objectProperties(schema: AnySchema): Array<{ name: string; schema: JsonSchema; required: boolean }> {
  const json = jsonSchema(schema);
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, schema: s as JsonSchema, required: required.has(name) }));
}
