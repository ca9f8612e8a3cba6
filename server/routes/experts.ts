import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import { ColleagueSchema, ExpertSchema } from '../contracts/api.js';
import { errorResponses } from './schemas.js';

export const expertRoutes: FastifyPluginAsyncZod = async (app) => {
  const { experts } = app.services;

  app.get(
    '/api/experts/directory',
    {
      schema: {
        tags: ['experts'],
        response: { 200: z.object({ items: z.array(ColleagueSchema) }), ...errorResponses },
      },
      onRequest: app.requireRole('expert'),
    },
    async () => ({
      items: (await experts.list()).map(({ id, name, signature, skills, availability, online, store }) => ({
        id,
        name,
        signature,
        skills,
        availability,
        online,
        store,
      })),
    }),
  );

  app.get(
    '/api/experts',
    {
      schema: { tags: ['experts'], response: { 200: z.object({ items: z.array(ExpertSchema) }), ...errorResponses } },
      onRequest: app.requireRole('manager'),
    },
    async () => ({ items: await experts.list() }),
  );
};
