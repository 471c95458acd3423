import type { ApiKeyAuthenticator } from '@omni/auth';
import { protoSources } from '@omni/contracts';
import { RestApi } from '@omni/rest';
import type { Express } from 'express';
import type { ConversationApi } from '../../application/conversation-api';
import type { CustomerApi } from '../../application/customer-api';
import { conversationRoutes, EVENTS_PATH } from './conversation.rest';
import { customerRoutes } from './customer.rest';

/** REST under /v1 for both services, described by one OpenAPI document at /openapi.json. */
export function mountRest(
  app: Express,
  authenticator: ApiKeyAuthenticator,
  apis: { conversations: ConversationApi; customers: CustomerApi },
): RestApi {
  const rest = new RestApi({
    info: {
      title: 'omni conversation API',
      version: 'v1',
      description: 'One customer, one thread across email, Messenger, Instagram, WhatsApp and Telegram.',
    },
    proto: protoSources(['omni/v1/conversation_service.proto', 'omni/v1/customer_service.proto']),
    routes: [...conversationRoutes(apis.conversations), ...customerRoutes(apis.customers)],
    extraPaths: { '/v1/events': EVENTS_PATH },
  });
  rest.mount(app, authenticator);
  return rest;
}
