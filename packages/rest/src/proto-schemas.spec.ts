import { protoSources } from '@omni/contracts';
import { loadProtoRoot, messageFields, protoJsonSchemas } from './proto-schemas';

describe('protoJsonSchemas', () => {
  const sources = protoSources(['omni/v1/conversation_service.proto']);
  const root = loadProtoRoot(sources.includeDirs, sources.files);
  const schemas = protoJsonSchemas(root, ['omni.v1.GetConversationResponse'], '#/defs/');

  it('gives the JSON form ts-proto writes: camelCase names, enum names, RFC 3339 timestamps, no unknown fields', () => {
    const conversation = schemas['omni.v1.Conversation'] as {
      additionalProperties: boolean;
      properties: Record<string, unknown>;
    };
    expect(conversation.additionalProperties).toBe(false);
    expect(conversation.properties.customerId).toMatchObject({ type: 'string' });
    expect(conversation.properties.status).toEqual({ $ref: '#/defs/omni.v1.ConversationStatus' });
    expect(conversation.properties.createdAt).toMatchObject({ type: 'string', format: 'date-time' });
    expect(conversation.properties.channels).toMatchObject({
      type: 'array',
      items: { $ref: '#/defs/omni.v1.Channel' },
    });
    expect(conversation.properties.version).toMatchObject({ type: 'integer' });
    expect(schemas['omni.v1.ConversationStatus']).toEqual({
      type: 'string',
      enum: expect.arrayContaining(['CONVERSATION_STATUS_OPEN', 'CONVERSATION_STATUS_RESOLVED']),
    });
  });

  it('follows oneof members and map fields', () => {
    const entry = schemas['omni.v1.TimelineEntry'] as { properties: Record<string, unknown> };
    expect(Object.keys(entry.properties)).toEqual(expect.arrayContaining(['message', 'note', 'event']));
    const opened = schemas['omni.v1.ConversationOpened'] as { properties: Record<string, unknown> };
    expect(opened.properties.customerAttributes).toMatchObject({
      type: 'object',
      additionalProperties: { type: 'string' },
    });
  });

  it('lists request fields with the message they nest, for query parameters', () => {
    expect(messageFields(root, 'omni.v1.ListConversationsRequest')).toEqual(
      expect.arrayContaining([
        { name: 'customerIdentity', message: 'omni.v1.Identity', repeated: false },
        { name: 'updatedSince', repeated: false },
      ]),
    );
  });

  it('marks fields documented "Output only" readOnly, or refuses them for requests', () => {
    const routing = protoSources(['omni/v1/routing_service.proto']);
    const routingRoot = loadProtoRoot(routing.includeDirs, routing.files);
    const documented = protoJsonSchemas(routingRoot, ['omni.v1.UpsertAgentRequest'], '#/defs/');
    const agent = documented['omni.v1.Agent'] as { properties: Record<string, Record<string, unknown>> };
    expect(agent.properties.load).toMatchObject({ type: 'object', readOnly: true });
    expect(agent.properties.presence).toMatchObject({ $ref: '#/defs/omni.v1.Presence', readOnly: true });
    expect(agent.properties.capacity?.readOnly).toBeUndefined();
    expect(agent.properties.skills?.description).toBe('Skill name to level 1-10.');
    const forRequests = protoJsonSchemas(routingRoot, ['omni.v1.UpsertAgentRequest'], '#/defs/', 'refuse');
    const writable = forRequests['omni.v1.Agent'] as { properties: Record<string, unknown> };
    expect(writable.properties.load).toBe(false);
    expect(writable.properties.version).toBe(false);
    expect(writable.properties.name).toMatchObject({ type: 'string' });
  });
});
