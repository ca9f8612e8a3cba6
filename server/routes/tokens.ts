import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import { ApiTokenSchema, CreatedTokenSchema, CreateTokenBodySchema } from '../contracts/api.js';
import { errorResponses, IdParamsSchema } from './schemas.js';
import { callerOf } from '../plugins/auth.js';

// API tokens let tools (an ingest bot, a script) act for the admin who issued them, with the role it was issued for.
// Only admins issue, list and revoke them: a token is an account's power handed to a program.
export const tokenRoutes: FastifyPluginAsyncZod = async (app) => {
  const { auth } = app.services;
  const admin = app.requireRole('admin');

  app.post(
    '/api/tokens',
    {
      schema: {
        tags: ['tokens'],
        body: CreateTokenBodySchema,
        response: { 201: CreatedTokenSchema, ...errorResponses },
      },
      onRequest: admin,
    },
    async (request, reply) => {
      const { name, role = 'manager', expiresInDays } = request.body;
      return reply
        .code(201)
        .send(await auth.createApiToken({ name, role, expiresInDays, userId: callerOf(request).user.id }));
    },
  );

  app.get(
    '/api/tokens',
    {
      schema: { tags: ['tokens'], response: { 200: z.object({ items: z.array(ApiTokenSchema) }), ...errorResponses } },
      onRequest: admin,
    },
    async () => ({ items: await auth.listApiTokens() }),
  );

  app.delete(
    '/api/tokens/:id',
    {
      schema: { tags: ['tokens'], params: IdParamsSchema, response: { 204: z.null(), ...errorResponses } },
      onRequest: admin,
    },
    async (request, reply) => {
      await auth.revokeApiToken(request.params.id);
      return reply.code(204).send(null);
    },
  );
};
