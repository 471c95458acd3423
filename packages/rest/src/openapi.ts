import type { JsonSchema } from './proto-schemas';
import type { RestRoute } from './rest-api';

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

const ERROR_BODY: JsonSchema = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', description: 'invalid_argument, unauthenticated, permission_denied, not_found, ...' },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            properties: { field: { type: 'string' }, reason: { type: 'string' } },
          },
        },
      },
    },
  },
};

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Invalid request: the details name each field and why',
  '401': 'Missing, unknown or revoked API key',
  '403': "The key's role may not call this operation",
  '404': 'Not found (also for ids of another tenant)',
  '409': "The resource's state forbids the change",
  '429': 'Rate limit of the API key exceeded; see Retry-After',
};

type FieldsOf = (type: string) => Array<{ name: string; message?: string; repeated: boolean }>;

/** An OpenAPI 3.1 document for REST routes whose bodies are the proto messages' JSON forms. */
export function buildOpenApi(
  info: OpenApiInfo,
  /** bodyType: the message type of the route's body field, when it has one. */
  routes: ReadonlyArray<RestRoute & { bodyType?: string }>,
  schemas: Record<string, JsonSchema>,
  fieldsOf: FieldsOf,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const pathParams = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters: unknown[] = pathParams.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      description: `Roles: ${route.operation.roles.join(', ')}. Same operation as gRPC ${route.request.type.replace(/Request$/, '')}.`,
      parameters,
      responses: {
        [String(route.successStatus ?? 200)]: {
          description: 'OK',
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${route.response.type}` } } },
        },
        ...Object.fromEntries(
          Object.entries(ERROR_RESPONSES).map(([status, description]) => [
            status,
            { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } },
          ]),
        ),
      },
    };
    const requestSchema = schemas[route.request.type] as { properties: Record<string, JsonSchema> };
    if (route.method === 'get' || route.method === 'delete') {
      for (const field of fieldsOf(route.request.type)) {
        if (pathParams.includes(field.name)) continue;
        if (field.message) {
          for (const nested of fieldsOf(field.message)) {
            const nestedSchema = (schemas[field.message] as { properties: Record<string, JsonSchema> }).properties[
              nested.name
            ];
            parameters.push({ name: `${field.name}.${nested.name}`, in: 'query', schema: nestedSchema });
          }
          continue;
        }
        parameters.push({ name: field.name, in: 'query', schema: requestSchema.properties[field.name] });
      }
    } else {
      const bodySchema = route.bodyType ? (schemas[route.bodyType] as typeof requestSchema) : requestSchema;
      // The client writes neither what the path gives nor what the server owns.
      const properties = Object.fromEntries(
        Object.entries(bodySchema.properties).filter(
          ([name, schema]) => !pathParams.includes(name) && !schema.readOnly,
        ),
      );
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: { type: 'object', additionalProperties: false, properties } } },
      };
    }
    paths[path] = { ...paths[path], [route.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info,
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'A per-tenant API key' } },
      schemas: { ...schemas, ErrorBody: ERROR_BODY },
    },
  };
}
