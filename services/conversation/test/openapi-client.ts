import Ajv from 'ajv';
import addFormats from 'ajv-formats';

// biome-ignore lint/suspicious/noExplicitAny: the body is checked against the document's schema before it is returned
export type Json = any;

export interface RestAnswer {
  status: number;
  headers: Headers;
  json: Json;
}

/** `call(method, path, template, body?, key?)`: `template` is the path as /openapi.json names it; key '' sends none. */
export type RestCall = (
  method: string,
  path: string,
  template: string,
  body?: unknown,
  key?: string,
) => Promise<RestAnswer>;

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}

/**
 * A REST caller that checks every answer against the response the service's
 * own /openapi.json declares for that path, method and status: an undeclared
 * status or a body off its schema fails the test.
 */
export async function openApiClient(baseUrl: string, defaultKey: string): Promise<RestCall> {
  const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as OpenApiDocument;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi.json');
  return async (method, path, template, body, key = defaultKey) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(key && { authorization: `Bearer ${key}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const json: Json = await res.json();
    const declared = document.paths[template]?.[method.toLowerCase()]?.responses[String(res.status)] as
      | { content: { 'application/json': { schema: { $ref: string } } } }
      | undefined;
    if (!declared) throw new Error(`${method} ${template} answered ${res.status}, which the document does not declare`);
    const validate = ajv.compile({ $ref: `openapi.json${declared.content['application/json'].schema.$ref}` });
    if (!validate(json)) throw new Error(`${method} ${path}: ${ajv.errorsText(validate.errors)}`);
    return { status: res.status, headers: res.headers, json };
  };
}
