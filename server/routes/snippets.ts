import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import {
  CreateSnippetBodySchema,
  SnippetListQuerySchema,
  SnippetPatchSchema,
  SnippetSchema,
} from '../contracts/api.js';
import { errorResponses, IdParamsSchema } from './schemas.js';
import { callerOf } from '../plugins/auth.js';

const SnippetBody = z.object({ snippet: SnippetSchema });

export const snippetRoutes: FastifyPluginAsyncZod = async (app) => {
  const { snippets } = app.services;
  const expert = app.requireRole('expert');
  const manager = app.requireRole('manager');

  app.get(
    '/api/snippets',
    {
      schema: {
        tags: ['knowledge'],
        querystring: SnippetListQuerySchema,
        response: { 200: z.object({ items: z.array(SnippetSchema) }), ...errorResponses },
      },
      onRequest: expert,
    },
    async (request) => ({ items: await snippets.list(request.query) }),
  );

  app.post(
    '/api/snippets',
    {
      schema: { tags: ['knowledge'], body: CreateSnippetBodySchema, response: { 201: SnippetBody, ...errorResponses } },
      onRequest: manager,
    },
    async (request, reply) =>
      reply.code(201).send({ snippet: await snippets.create(callerOf(request).user, request.body) }),
  );

  app.patch(
    '/api/snippets/:id',
    {
      schema: {
        tags: ['knowledge'],
        params: IdParamsSchema,
        body: SnippetPatchSchema,
        response: { 200: SnippetBody, ...errorResponses },
      },
      onRequest: manager,
    },
    async (request) => ({ snippet: await snippets.update(request.params.id, request.body) }),
  );

  app.delete(
    '/api/snippets/:id',
    {
      schema: { tags: ['knowledge'], params: IdParamsSchema, response: { 204: z.null(), ...errorResponses } },
      onRequest: manager,
    },
    async (request, reply) => {
      await snippets.remove(request.params.id);
      return reply.code(204).send(null);
    },
  );

  // The web client calls this when an expert inserts a snippet into a reply, so the most used ones come first.
  app.post(
    '/api/snippets/:id/use',
    {
      schema: { tags: ['knowledge'], params: IdParamsSchema, response: { 200: SnippetBody, ...errorResponses } },
      onRequest: expert,
    },
    async (request) => ({ snippet: await snippets.use(request.params.id) }),
  );
};
