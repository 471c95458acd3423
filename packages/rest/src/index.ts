export { buildOpenApi, type OpenApiInfo } from './openapi';
export {
  isOutputOnly,
  type JsonSchema,
  loadProtoRoot,
  messageFields,
  type OutputOnlyFields,
  protoJsonSchemas,
} from './proto-schemas';
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
