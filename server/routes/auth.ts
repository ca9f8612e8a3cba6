import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import { LoginBodySchema, SessionResponseSchema } from '../contracts/api.js';
import { AppError, unauthorized } from '../errors.js';
import { SESSION_COOKIE } from '../plugins/auth.js';
import { SESSION_TTL_MS } from '../services/auth.js';
import { errorResponses } from './schemas.js';

export const authRoutes: FastifyPluginAsyncZod<{ secureCookies: boolean }> = async (app, { secureCookies }) => {
  const { auth } = app.services;

  app.post('/api/auth/login', {
    schema: { tags: ['auth'], body: LoginBodySchema, response: { 200: SessionResponseSchema, ...errorResponses } },
    // Ten tries a minute per address and account: guessing one password stays slow, a shared office NAT still works.
    config: {
      rateLimit: {
        max: 10, timeWindow: '1 minute', hook: 'preHandler',
        keyGenerator: (request) => `${request.ip}|${String((request.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}`,
      },
    },
  }, async (request, reply) => {
    const user = await auth.verifyPassword(request.body.email, request.body.password);
    if (!user) throw new AppError(401, 'invalid_credentials', 'Wrong email or password');
    const session = auth.createSession(user.id);
    reply.setCookie(SESSION_COOKIE, session.token, {
      path: '/', httpOnly: true, sameSite: 'strict', secure: secureCookies, maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    request.log.info({ userId: user.id }, 'logged in');
    return { user, csrfToken: session.csrfToken };
  });

  app.post('/api/auth/logout', {
    schema: { tags: ['auth'], response: { 204: z.null(), ...errorResponses } },
    onRequest: app.requireRole('expert'),
  }, async (request, reply) => {
    if (request.principal?.sessionTokenHash) auth.revokeSession(request.principal.sessionTokenHash);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send(null);
  });

  app.get('/api/me', { schema: { tags: ['auth'], response: { 200: SessionResponseSchema, ...errorResponses } } }, async (request) => {
    if (!request.principal) throw unauthorized();
    return { user: request.principal.user, csrfToken: request.principal.csrfToken ?? '' };
  });
};
