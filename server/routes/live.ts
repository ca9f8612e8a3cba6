import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import { errorResponses } from './schemas.js';

export const liveRoutes: FastifyPluginAsyncZod = async (app) => {
  const { metrics } = app.services;

  app.get(
    '/api/live',
    {
      schema: {
        tags: ['metrics'],
        response: {
          200: z.object({
            open: z.number(),
            inReview: z.number(),
            escalated: z.number(),
            answeredToday: z.number(),
            /** Available experts with the app open. */
            onlineExperts: z.number(),
            /** Available experts who can be told of an offer now: the app open or a device subscribed to push. */
            reachableExperts: z.number(),
          }),
          ...errorResponses,
        },
      },
      onRequest: app.requireRole('manager'),
    },
    async () => metrics.live(app.services.expertPresence()),
  );
};
