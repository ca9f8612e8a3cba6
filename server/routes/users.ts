import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import {
  AccountSchema,
  CreateUserBodySchema,
  TemporaryPasswordBodySchema,
  UpdateUserBodySchema,
  UserSchema,
  type User,
} from '../contracts/api.js';
import { CREDENTIAL_ENDED } from '../services/realtime-hub.js';
import { errorResponses, IdParamsSchema } from './schemas.js';

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  const { auth, dispatcher, experts, hub, push, questions, replies } = app.services;
  const admin = app.requireRole('admin');

  app.get(
    '/api/users',
    {
      schema: { tags: ['users'], response: { 200: z.object({ items: z.array(AccountSchema) }), ...errorResponses } },
      onRequest: admin,
    },
    async () => ({ items: auth.listAccounts() }),
  );

  /**
   * The work a deactivated account held goes back to the team: replies waiting for review are withdrawn (they would
   * post under the name of someone who left), the questions it held are released to their next wave, and its open
   * offers end, re-offering questions that had no one else.
   */
  function handOver(actor: User, userId: string) {
    for (const replyId of replies.pendingBy(userId))
      replies.reject(actor, replyId, "Withdrawn: the author's account was deactivated");
    for (const questionId of questions.heldBy(userId)) questions.release(actor, questionId);
    dispatcher.withdrawOffers(userId);
  }

  // Roles and access change here: an employee who moves on is deactivated (their sessions end, their live connections
  // close, their work goes back to the team, routing stops offering them any); reactivated, they sign in again. A
  // changed role applies to their next request, and their live connection reconnects as the new role.
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
      const actor = request.principal!.user;
      const { id } = request.params;
      const { before, after } = auth.updateUser(actor, id, request.body);
      if (before.role !== after.role || before.active !== after.active)
        hub.disconnectUser(id, CREDENTIAL_ENDED, 'account changed: sign in again');
      if (after.role === 'expert' && after.active) experts.ensureProfile(id, after.name);
      experts.refresh(id); // out of (or back into) routing before any question is re-offered
      if (before.active && !after.active) {
        handOver(actor, id);
        push.subscriptions.forgetAll(id, 'account deactivated');
      }
      return { user: after };
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
      const user = await auth.createUser(request.body);
      if (user.role === 'expert') experts.ensureProfile(user.id, user.name);
      return reply.code(201).send({ user });
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
      await auth.setTemporaryPassword(request.principal!.user, request.params.id, request.body.temporaryPassword);
      push.subscriptions.forgetAll(request.params.id, 'password reset by an admin');
      return reply.code(204).send(null);
    },
  );
};
