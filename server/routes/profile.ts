import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import { ExpertSchema, OfferSchema, ProfileSchema, ProfileUpdateSchema, QuestionSchema } from '../contracts/api.js';
import { errorResponses } from './schemas.js';

export const profileRoutes: FastifyPluginAsyncZod = async (app) => {
  const { experts, questions } = app.services;
  const expert = app.requireRole('expert');

  app.get('/api/me/profile', { schema: { tags: ['experts'], response: { 200: ProfileSchema, ...errorResponses } }, onRequest: expert },
    async (request) => experts.ensureProfile(request.principal!.user.id, request.principal!.user.name));

  app.put('/api/me/profile', { schema: { tags: ['experts'], body: ProfileUpdateSchema, response: { 200: ProfileSchema, ...errorResponses } }, onRequest: expert },
    async (request) => {
      const { user } = request.principal!;
      experts.ensureProfile(user.id, user.name);
      return experts.updateProfile(user.id, request.body);
    });

  app.get('/api/me/offers', {
    schema: { tags: ['experts'], response: { 200: z.object({ items: z.array(z.object({ question: QuestionSchema, offer: OfferSchema })) }), ...errorResponses } },
    onRequest: expert,
  }, async (request) => ({ items: questions.myOffers(request.principal!.user) }));

  app.get('/api/experts', { schema: { tags: ['experts'], response: { 200: z.object({ items: z.array(ExpertSchema) }), ...errorResponses } }, onRequest: app.requireRole('manager') },
    async () => ({ items: experts.list() }));
};
