import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import { CreateTokenBodySchema, CreateUserBodySchema, UserSchema } from '../contracts/api.js';
import { errorResponses } from './schemas.js';

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  const { auth, experts } = app.services;
  const admin = app.requireRole('admin');

  app.get('/api/users', { schema: { tags: ['users'], response: { 200: z.object({ items: z.array(UserSchema) }), ...errorResponses } }, onRequest: admin },
    async () => ({ items: auth.listUsers() }));

  app.post('/api/users', {
    schema: { tags: ['users'], body: CreateUserBodySchema, response: { 201: z.object({ user: UserSchema }), ...errorResponses } }, onRequest: admin,
  }, async (request, reply) => {
    const user = await auth.createUser(request.body);
    if (user.role === 'expert') experts.ensureProfile(user.id, user.name);
    return reply.code(201).send({ user });
  });

  app.post('/api/tokens', {
    schema: { tags: ['users'], body: CreateTokenBodySchema, response: { 201: z.object({ token: z.string() }), ...errorResponses } }, onRequest: admin,
  }, async (request, reply) => {
    const token = auth.createApiToken({ name: request.body.name, role: request.body.role ?? 'manager', userId: request.principal!.user.id });
    return reply.code(201).send({ token });
  });
};
