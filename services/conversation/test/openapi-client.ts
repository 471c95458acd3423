import { openApiClient as documentedClient, type RestResponse, templatePattern } from '@omni/testing';

export type RestAnswer = RestResponse;

/**
 * `call(method, path, template, body?, key?)`: `template` is the path as /openapi.json names it (the call fails
 * when `path` is not an instance of it); key '' sends none. Every answer is checked against the document by
 * @omni/testing's client.
 */
export type RestCall = (
  method: string,
  path: string,
  template: string,
  body?: unknown,
  key?: string,
) => Promise<RestAnswer>;

/** The shared documented client, with a default key and the route's template spelled out at each call. */
export async function openApiClient(baseUrl: string, defaultKey: string): Promise<RestCall> {
  const call = await documentedClient(baseUrl);
  return (method, path, template, body, key = defaultKey) => {
    if (!templatePattern(template).test(path.split('?')[0] as string)) {
      throw new Error(`${path} is not an instance of ${template}`);
    }
    return call(method, path, key === '' ? undefined : key, body);
  };
}
