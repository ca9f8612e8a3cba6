import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import { OfferSchema, ProfileSchema, ProfileUpdateSchema, QuestionSchema } from '../contracts/api.js';
import { errorResponses } from './schemas.js';
import { callerOf } from '../plugins/auth.js';

export const profileRoutes: FastifyPluginAsyncZod = async (app) => {
  const { experts, questions } = app.services;
  const expert = app.requireRole('expert');

  // Managers and admins get a profile on first look, set to away: they answer only once they opt in.
  const ensure = (user: { id: string; name: string; role: string }) =>
    experts.ensureProfile(user.id, user.name, user.role === 'expert' ? {} : { availability: 'away' });

  app.get(
    '/api/me/profile',
    { schema: { tags: ['experts'], response: { 200: ProfileSchema, ...errorResponses } }, onRequest: expert },
    async (request) => ensure(callerOf(request).user),
  );

  app.put(
    '/api/me/profile',
    {
      schema: { tags: ['experts'], body: ProfileUpdateSchema, response: { 200: ProfileSchema, ...errorResponses } },
      onRequest: expert,
    },
    async (request) => {
      const { user } = callerOf(request);
      await ensure(user);
      return experts.updateProfile(user.id, request.body);
    },
  );

  app.get(
    '/api/me/offers',
    {
      schema: {
        tags: ['experts'],
        response: {
          200: z.object({
            items: z.array(z.object({ question: QuestionSchema, offer: OfferSchema })),
            /** Offers made to them in the last hour against the hourly cap; at the cap, when the next may come. */
            quota: z.object({ used: z.number(), max: z.number(), resumesAt: z.string().nullable() }).nullable(),
          }),
          ...errorResponses,
        },
      },
      onRequest: expert,
    },
    async (request) => {
      const { user } = callerOf(request);
      return { items: await questions.myOffers(user), quota: experts.offerQuota(user.id) };
    },
  );
};
