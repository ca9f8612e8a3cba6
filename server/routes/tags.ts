import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import { TagBodySchema, TagPatchSchema, TagSchema } from '../contracts/api.js';
import { errorResponses, SlugParamsSchema } from './schemas.js';

export const tagRoutes: FastifyPluginAsyncZod = async (app) => {
  const { tags } = app.services;
  const manager = app.requireRole('manager');

  // Experts read tags too: they pick their skills from this list.
  app.get(
    '/api/tags',
    {
      schema: { tags: ['tags'], response: { 200: z.object({ items: z.array(TagSchema) }), ...errorResponses } },
      onRequest: app.requireRole('expert'),
    },
    async () => ({ items: tags.list() }),
  );

  app.post(
    '/api/tags',
    {
      schema: {
        tags: ['tags'],
        body: TagBodySchema,
        response: { 201: z.object({ tag: TagSchema }), ...errorResponses },
      },
      onRequest: manager,
    },
    async (request, reply) => reply.code(201).send({ tag: await tags.create(request.body) }),
  );

  app.patch(
    '/api/tags/:slug',
    {
      schema: {
        tags: ['tags'],
        params: SlugParamsSchema,
        body: TagPatchSchema,
        response: { 200: z.object({ tag: TagSchema }), ...errorResponses },
      },
      onRequest: manager,
    },
    async (request) => ({ tag: await tags.update(request.params.slug, request.body) }),
  );

  app.delete(
    '/api/tags/:slug',
    {
      schema: { tags: ['tags'], params: SlugParamsSchema, response: { 204: z.null(), ...errorResponses } },
      onRequest: manager,
    },
    async (request, reply) => {
      await tags.remove(request.params.slug);
      return reply.code(204).send(null);
    },
  );
};
