export { buildOpenApi, type OpenApiInfo } from './openapi';
export { type JsonSchema, loadProtoRoot, messageFields, protoJsonSchemas } from './proto-schemas';
export {
  type HttpMethod,
  type MessageCodec,
  type OperationRouteSpec,
  operationRoutes,
  RestApi,
  type RestApiOptions,
  type RestRoute,
  restRoute,
} from './rest-api';
