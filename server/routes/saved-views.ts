// A manager's saved queue views. The service is made here from the shared repositories, unit of work and clock: it
// serves only these routes and depends on nothing else.
import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SavedViewBodySchema, SavedViewListSchema, SavedViewSchema } from '../contracts/api.js';
import { unauthorized } from '../errors.js';
import { createSavedViewService } from '../services/saved-views.js';
import { errorResponses, IdParamsSchema } from './schemas.js';

const SavedViewBody = z.object({ view: SavedViewSchema });

function callerId(request: FastifyRequest): string {
  if (!request.principal) throw unauthorized();
  return request.principal.user.id;
}

export const savedViewRoutes: FastifyPluginAsyncZod = async (app) => {
  const views = createSavedViewService(app.services);
  const manager = app.requireRole('manager');

  app.get(
    '/api/views',
    {
      schema: { tags: ['questions'], response: { 200: SavedViewListSchema, ...errorResponses } },
      onRequest: manager,
    },
    async (request) => ({ views: await views.list(callerId(request)) }),
  );

  app.post(
    '/api/views',
    {
      schema: {
        tags: ['questions'],
        description: 'Saves the filters under a name; a view of the same name (in any case) is replaced (200).',
        body: SavedViewBodySchema,
        response: { 200: SavedViewBody, 201: SavedViewBody, ...errorResponses },
      },
      onRequest: manager,
    },
    async (request, reply) => {
      const { view, created } = await views.save(callerId(request), request.body);
      return reply.code(created ? 201 : 200).send({ view });
    },
  );

  app.delete(
    '/api/views/:id',
    {
      schema: { tags: ['questions'], params: IdParamsSchema, response: { 204: z.null(), ...errorResponses } },
      onRequest: manager,
    },
    async (request, reply) => {
      await views.remove(callerId(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
