import { type ApiKeyAuthenticator, type ApiOperation, httpAuthMiddleware, principalOfRequest } from '@omni/auth';
import { type FieldViolation, InvalidArgumentError } from '@omni/errors';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Express, Request, Response } from 'express';
import type { Root } from 'protobufjs';
import { buildOpenApi, type OpenApiInfo } from './openapi';
import { type JsonSchema, loadProtoRoot, messageFields, protoJsonSchemas } from './proto-schemas';

/** ts-proto's JSON codecs of a message. */
export interface MessageCodec<T> {
  fromJSON(object: unknown): T;
  toJSON(message: T): unknown;
  /** The JSON text of `toJSON(message)`, where a codec can make it cheaper than serializing that (it reuses parts). */
  toJSONText?(message: T): string;
}

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One REST route: an API operation with the messages it takes and gives, by their proto names. */
export interface RestRoute<Req = unknown, Res = unknown> {
  method: HttpMethod;
  /** Express path; parameters are named by the request's JSON field names, e.g. `/v1/conversations/:conversationId`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  request: { type: string; codec: MessageCodec<Req> };
  response: { type: string; codec: MessageCodec<Res> };
  operation: ApiOperation<Req, Res>;
  successStatus?: number;
  /**
   * The request field the JSON body is (like google.api.http's `body`), e.g.
   * `agent` for `PUT /v1/agents/:agentId` taking an Agent; path parameters
   * are then fields of that message. Unset: the body is the whole request.
   */
  body?: string;
}

/** Builds a route with the request and response types tied to the operation's. */
export function restRoute<Req, Res>(route: RestRoute<Req, Res>): RestRoute {
  return route as unknown as RestRoute;
}

export interface OperationRouteSpec<Name extends string> {
  method: HttpMethod;
  path: string;
  operation: Name;
  summary: string;
  successStatus?: number;
  /** The request field the JSON body is; see RestRoute.body. */
  body?: string;
}

/**
 * Routes for operations named like their gRPC methods: `sendReply` takes
 * `<package>.SendReplyRequest` and gives `<package>.SendReplyResponse`, whose
 * ts-proto codecs are looked up in `codecs` (the contracts module).
 */
export function operationRoutes<Name extends string>(
  operations: Record<Name, ApiOperation<never, unknown>>,
  options: { protoPackage: string; codecs: object; tag: string },
  specs: ReadonlyArray<OperationRouteSpec<Name>>,
): RestRoute[] {
  const codecOf = (name: string): MessageCodec<unknown> => {
    const codec = (options.codecs as Record<string, MessageCodec<unknown> | undefined>)[name];
    if (!codec?.fromJSON) throw new Error(`no codec for ${options.protoPackage}.${name}`);
    return codec;
  };
  return specs.map((spec) => {
    const message = spec.operation.charAt(0).toUpperCase() + spec.operation.slice(1);
    return {
      method: spec.method,
      path: spec.path,
      operationId: spec.operation,
      summary: spec.summary,
      tag: options.tag,
      request: { type: `${options.protoPackage}.${message}Request`, codec: codecOf(`${message}Request`) },
      response: { type: `${options.protoPackage}.${message}Response`, codec: codecOf(`${message}Response`) },
      operation: operations[spec.operation] as unknown as ApiOperation<unknown, unknown>,
      ...(spec.successStatus && { successStatus: spec.successStatus }),
      ...(spec.body && { body: spec.body }),
    };
  });
}

export interface RestApiOptions {
  info: OpenApiInfo;
  proto: { includeDirs: string[]; files: string[] };
  routes: readonly RestRoute[];
  /** Paths served by other handlers (a stream, say), documented as given. */
  extraPaths?: Record<string, unknown>;
}

const REF_PREFIX = 'proto#/$defs/';

/**
 * The REST face of gRPC operations: the same request and response messages as
 * JSON, validated against schemas derived from the .proto files (so unknown or
 * mistyped fields are a 400 naming the field), the same operations and roles,
 * and an OpenAPI document generated from the same routes and schemas.
 */
export class RestApi {
  private readonly root: Root;
  private readonly strict = new Ajv({ strict: false, allErrors: true });
  /** Query strings carry text: coerce to the schema's types, and single values to arrays. */
  private readonly coercing = new Ajv({ strict: false, allErrors: true, coerceTypes: 'array' });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly options: RestApiOptions) {
    this.root = loadProtoRoot(options.proto.includeDirs, options.proto.files);
    const types = options.routes.flatMap((route) => [route.request.type, route.response.type]);
    const $defs = protoJsonSchemas(this.root, types, REF_PREFIX, 'refuse');
    for (const ajv of [this.strict, this.coercing]) {
      addFormats(ajv);
      ajv.addSchema({ $id: 'proto', $defs });
    }
  }

  openApi(): Record<string, unknown> {
    const types = this.options.routes.flatMap((route) => [route.request.type, route.response.type]);
    const schemas = protoJsonSchemas(this.root, types, '#/components/schemas/');
    const document = buildOpenApi(
      this.options.info,
      this.options.routes.map((route) => ({ ...route, bodyType: this.bodyType(route) })),
      schemas,
      (type) => messageFields(this.root, type),
    );
    Object.assign(document.paths as Record<string, unknown>, this.options.extraPaths);
    return document;
  }

  /** Mounts `/openapi.json` (public) and every route behind API-key authentication. */
  mount(app: Express, authenticator: ApiKeyAuthenticator): void {
    const document = this.openApi();
    app.get('/openapi.json', (_req, res) => {
      res.json(document);
    });
    const auth = httpAuthMiddleware(authenticator);
    for (const route of this.options.routes) {
      app[route.method](route.path, auth, async (req: Request, res: Response) => {
        const request = this.requestOf(route, req);
        const result = await route.operation.run(principalOfRequest(req), request);
        const { codec } = route.response;
        res.status(route.successStatus ?? 200);
        if (codec.toJSONText) res.type('application/json').send(codec.toJSONText(result));
        else res.json(codec.toJSON(result));
      });
    }
  }

  /** The message type of the route's body field, or undefined when the body is the whole request. */
  private bodyType(route: RestRoute): string | undefined {
    if (!route.body) return undefined;
    const field = messageFields(this.root, route.request.type).find((f) => f.name === route.body);
    if (!field?.message) throw new Error(`${route.request.type} has no message field ${route.body}`);
    return field.message;
  }

  private requestOf(route: RestRoute, req: Request): unknown {
    const pathParams = req.params as Record<string, string>;
    const query = route.method === 'get' || route.method === 'delete';
    const fromClient = query ? queryObject(req) : bodyOf(req);
    if (
      fromClient === undefined ||
      fromClient === null ||
      typeof fromClient !== 'object' ||
      Array.isArray(fromClient)
    ) {
      throw new InvalidArgumentError('the request body must be a JSON object');
    }
    const data = { ...(fromClient as Record<string, unknown>) };
    for (const name of Object.keys(pathParams)) {
      if (name in data) {
        throw new InvalidArgumentError(`${name} comes from the path, not the request`, {
          details: [{ field: name, reason: 'set by the path' }],
        });
      }
    }
    const bodyType = this.bodyType(route);
    const validate = this.validator(bodyType ?? route.request.type, query);
    if (!validate(data)) throw invalid(validate.errors ?? []);
    const message = { ...data, ...pathParams };
    return route.request.codec.fromJSON(route.body ? { [route.body]: message } : message);
  }

  private validator(type: string, coerce: boolean): ValidateFunction {
    const key = `${coerce ? 'q' : 'b'}:${type}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = (coerce ? this.coercing : this.strict).compile({ $ref: `${REF_PREFIX}${type}` } as JsonSchema);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/** A request sent without a body (no Content-Length, no Transfer-Encoding) is empty: `POST /v1/merges/m1/split`. */
function bodyOf(req: Request): unknown {
  if (req.body !== undefined) return req.body;
  const bodiless = !req.headers['transfer-encoding'] && (req.headers['content-length'] ?? '0') === '0';
  return bodiless ? {} : undefined;
}

/** `?conversation_id=x&customerIdentity.kind=...` → `{ conversationId: 'x', customerIdentity: { kind: ... } }`. */
function queryObject(req: Request): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(req.query as Record<string, unknown>)) {
    const path = rawKey.split('.').map(camelCase);
    let target = out;
    for (const part of path.slice(0, -1)) {
      const next = target[part];
      target[part] = next && typeof next === 'object' ? next : {};
      target = target[part] as Record<string, unknown>;
    }
    target[path[path.length - 1] as string] = value;
  }
  return out;
}

/** A POST or PUT without a body (no length, or zero) is the empty message, like a gRPC call with defaults. */
function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function invalid(errors: ErrorObject[]): InvalidArgumentError {
  const details: FieldViolation[] = errors.map((error) => {
    const at = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (error.keyword === 'additionalProperties') {
      const field = [at, String(error.params.additionalProperty)].filter(Boolean).join('.');
      return { field, reason: 'unknown field' };
    }
    // Only output-only fields have the `false` schema (protoJsonSchemas with 'refuse').
    if (error.keyword === 'false schema') return { field: at, reason: 'set by the server; may not be written' };
    if (error.keyword === 'enum') {
      return { field: at, reason: `one of ${(error.params.allowedValues as unknown[]).join(', ')}` };
    }
    return { field: at || '(request)', reason: error.message ?? 'invalid' };
  });
  const first = details[0] as FieldViolation;
  return new InvalidArgumentError(`${first.field}: ${first.reason}`, { details });
}
