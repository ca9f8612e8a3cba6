import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import {
  AccountSchema,
  CreateUserBodySchema,
  TemporaryPasswordBodySchema,
  UpdateUserBodySchema,
  UserSchema,
} from '../contracts/api.js';
import { errorResponses, IdParamsSchema } from './schemas.js';
import { callerOf } from '../plugins/auth.js';

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  const { auth, accounts } = app.services;
  const admin = app.requireRole('admin');

  app.get(
    '/api/users',
    {
      schema: { tags: ['users'], response: { 200: z.object({ items: z.array(AccountSchema) }), ...errorResponses } },
      onRequest: admin,
    },
    async () => ({ items: await auth.listAccounts() }),
  );

  // Roles and access change here; what follows from a change (hand-over, routing, devices) is the account service's.
  app.patch(
    '/api/users/:id',
    {
      schema: {
        tags: ['users'],
        params: IdParamsSchema,
        body: UpdateUserBodySchema,
        response: { 200: z.object({ user: AccountSchema }), ...errorResponses },
      },
      onRequest: admin,
    },
    async (request) => {
      return { user: await accounts.update(callerOf(request).user, request.params.id, request.body) };
    },
  );

  app.post(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        body: CreateUserBodySchema,
        response: { 201: z.object({ user: UserSchema }), ...errorResponses },
      },
      onRequest: admin,
    },
    async (request, reply) => {
      return reply.code(201).send({ user: await accounts.create(request.body) });
    },
  );

  // Someone forgot their password: an admin sets a temporary one and tells them privately. Their sessions end, and
  // at their next sign-in they choose their own before anything else.
  app.post(
    '/api/users/:id/password',
    {
      schema: {
        tags: ['users'],
        params: IdParamsSchema,
        body: TemporaryPasswordBodySchema,
        response: { 204: z.null(), ...errorResponses },
      },
      onRequest: admin,
    },
    async (request, reply) => {
      await accounts.setTemporaryPassword(callerOf(request).user, request.params.id, request.body.temporaryPassword);
      return reply.code(204).send(null);
    },
  );
};
