/** The few OpenAPI 3.1 shapes the document is built of (plain JSON). */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonObject = Record<string, any>;

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Array<Record<string, string[]>>;
  parameters?: JsonObject[];
  requestBody?: JsonObject;
  responses: Record<string, JsonObject>;
  /** The scopes a tenant key needs (any one of them). */
  'x-scopes'?: readonly string[];
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: JsonObject;
  servers: JsonObject[];
  tags: JsonObject[];
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, JsonObject>; schemas: Record<string, JsonObject> };
}
