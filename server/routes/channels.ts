import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import {
  ChannelListSchema,
  ChannelParamsSchema,
  ChannelRulesSchema,
  ChannelSchema,
  WebhookBodySchema,
  WebhookSavedSchema,
} from '../contracts/channels.js';
import { createChannelInfo } from '../services/channel-info.js';
import { errorResponses } from './schemas.js';

// The channels replies go out on and, for an API channel (email, chat, a helpdesk bridge), the signed webhook that
// delivers them. Admins only: a webhook's address decides where every reply on its channel is sent.
export const channelRoutes: FastifyPluginAsyncZod = async (app) => {
  const channels = app.webhookChannels;
  const admin = app.requireRole('admin');
  const info = createChannelInfo(app.services.channelAdapters);

  // Anyone signed in: the queue's channel filter and every reply counter read it (names and length rules, no secrets).
  app.get(
    '/api/channels/rules',
    {
      schema: { tags: ['channels'], response: { 200: ChannelRulesSchema, ...errorResponses } },
      onRequest: app.requireRole('expert'),
    },
    async () => info.rules(),
  );

  app.get(
    '/api/channels',
    { schema: { tags: ['channels'], response: { 200: ChannelListSchema, ...errorResponses } }, onRequest: admin },
    async () => ({ items: await channels.list() }),
  );

  app.put(
    '/api/channels/:name/webhook',
    {
      schema: {
        tags: ['channels'],
        params: ChannelParamsSchema,
        body: WebhookBodySchema,
        response: { 200: WebhookSavedSchema, 201: WebhookSavedSchema, ...errorResponses },
      },
      onRequest: admin,
    },
    async (request, reply) => {
      const saved = await channels.configure(request.params.name, request.body.url);
      return reply.code(saved.secret ? 201 : 200).send(saved);
    },
  );

  app.post(
    '/api/channels/:name/webhook/rotate',
    {
      schema: {
        tags: ['channels'],
        params: ChannelParamsSchema,
        response: { 200: WebhookSavedSchema, ...errorResponses },
      },
      onRequest: admin,
    },
    async (request) => channels.rotate(request.params.name),
  );

  app.delete(
    '/api/channels/:name/webhook',
    {
      schema: { tags: ['channels'], params: ChannelParamsSchema, response: { 200: ChannelSchema, ...errorResponses } },
      onRequest: admin,
    },
    async (request) => channels.remove(request.params.name),
  );
};
