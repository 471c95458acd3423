import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/** A response of the API: its status, headers and JSON body (checked against the document before it is returned). */
export interface RestResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body, already validated against the document's schema
  json: any;
}

export type RestCall = (method: string, path: string, key: string | undefined, body?: unknown) => Promise<RestResponse>;

type Document = { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

/** `/v1/agents/{agentId}/presence` → a pattern matching `/v1/agents/ann/presence`. */
export function templatePattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

/**
 * Calls a REST API as the holder of `key` (no authorization header when
 * undefined) and checks every answer against its own `/openapi.json`: the
 * status must be declared for the path's template and method, and the body
 * must match the schema declared for it; otherwise the call throws.
 */
export async function openApiClient(base: string): Promise<RestCall> {
  const document = (await (await fetch(`${base}/openapi.json`)).json()) as Document;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi.json');
  const templates = Object.keys(document.paths).map((template) => ({ template, pattern: templatePattern(template) }));

  return async (method, path, key, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(key !== undefined && { authorization: `Bearer ${key}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const json: unknown = await res.json();
    const bare = path.split('?')[0] as string;
    const template = templates.find((t) => t.pattern.test(bare))?.template;
    const declared = template
      ? (document.paths[template]?.[method.toLowerCase()]?.responses[String(res.status)] as
          | { content: { 'application/json': { schema: { $ref: string } } } }
          | undefined)
      : undefined;
    if (!declared) throw new Error(`${method} ${path} answered ${res.status}, which the document does not declare`);
    const validate = ajv.compile({ $ref: `openapi.json${declared.content['application/json'].schema.$ref}` });
    if (!validate(json)) throw new Error(`${method} ${path} (${res.status}): ${ajv.errorsText(validate.errors)}`);
    return { status: res.status, headers: res.headers, json };
  };
}
