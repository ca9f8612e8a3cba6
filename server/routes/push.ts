import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import { PushSubscriptionBodySchema, PushSubscriptionSchema, VapidPublicKeySchema } from '../contracts/push.js';
import { errorResponses, IdParamsSchema } from './schemas.js';
import { callerOf } from '../plugins/auth.js';

export const pushRoutes: FastifyPluginAsyncZod = async (app) => {
  const { push } = app.services;
  const anyone = app.requireRole('expert');

  app.get(
    '/api/push/vapid-public-key',
    { schema: { tags: ['push'], response: { 200: VapidPublicKeySchema, ...errorResponses } }, onRequest: anyone },
    async () => ({ key: await push.publicKey() }),
  );

  app.post(
    '/api/me/push-subscriptions',
    {
      schema: {
        tags: ['push'],
        body: PushSubscriptionBodySchema,
        response: {
          201: z.object({ subscription: PushSubscriptionSchema.pick({ id: true, createdAt: true }) }),
          ...errorResponses,
        },
      },
      onRequest: anyone,
    },
    async (request, reply) => {
      // 201 whether the endpoint is new or known (the contract's "idempotent per endpoint"): the same id either way.
      const { subscription } = await push.subscriptions.subscribe(
        callerOf(request).user.id,
        request.body,
        request.headers['user-agent'] ?? null,
      );
      return reply.code(201).send({ subscription: { id: subscription.id, createdAt: subscription.createdAt } });
    },
  );

  app.get(
    '/api/me/push-subscriptions',
    {
      schema: {
        tags: ['push'],
        response: { 200: z.object({ items: z.array(PushSubscriptionSchema) }), ...errorResponses },
      },
      onRequest: anyone,
    },
    async (request) => ({ items: await push.subscriptions.list(callerOf(request).user.id) }),
  );

  app.delete(
    '/api/me/push-subscriptions/:id',
    {
      schema: { tags: ['push'], params: IdParamsSchema, response: { 204: z.null(), ...errorResponses } },
      onRequest: anyone,
    },
    async (request, reply) => {
      await push.subscriptions.remove(callerOf(request).user.id, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
