import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import { HandoffBodySchema, NoteBodySchema, NoteSchema, QuestionSchema } from '../contracts/api.js';
import { errorResponses, IdParamsSchema } from './schemas.js';
import { callerOf } from '../plugins/auth.js';

export const noteRoutes: FastifyPluginAsyncZod = async (app) => {
  const { notes } = app.services;
  const expert = app.requireRole('expert');

  app.get(
    '/api/questions/:id/notes',
    {
      schema: {
        tags: ['notes'],
        params: IdParamsSchema,
        response: { 200: z.object({ items: z.array(NoteSchema) }), ...errorResponses },
      },
      onRequest: expert,
    },
    async (request) => ({ items: await notes.list(callerOf(request).user, request.params.id) }),
  );

  app.post(
    '/api/questions/:id/notes',
    {
      schema: {
        tags: ['notes'],
        params: IdParamsSchema,
        body: NoteBodySchema,
        response: { 201: z.object({ note: NoteSchema }), ...errorResponses },
      },
      onRequest: expert,
    },
    async (request, reply) =>
      reply.code(201).send({ note: await notes.add(callerOf(request).user, request.params.id, request.body.text) }),
  );

  app.post(
    '/api/questions/:id/handoff',
    {
      schema: {
        tags: ['notes'],
        params: IdParamsSchema,
        body: HandoffBodySchema,
        response: { 200: z.object({ question: QuestionSchema, note: NoteSchema }), ...errorResponses },
      },
      onRequest: expert,
    },
    async (request) =>
      notes.handoff(callerOf(request).user, request.params.id, request.body.expertId, request.body.note),
  );
};
