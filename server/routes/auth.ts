import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import { ChangePasswordBodySchema, ErrorBodySchema, LoginBodySchema, SessionResponseSchema } from '../contracts/api.js';
import { AppError, unauthorized } from '../errors.js';
import { callerKey, callerOf, SESSION_COOKIE } from '../plugins/auth.js';
import { SESSION_TTL_MS } from '../services/auth.js';
import { errorResponses } from './schemas.js';

/**
 * Failed sign-ins one address may make across all accounts: trying one common password against every account
 * (password spraying) stops after these, while an office behind one NAT signing in correctly is never counted.
 */
export const LOGIN_FAILURES_PER_ADDRESS = { max: 30, timeWindowMs: 5 * 60_000 };

export const authRoutes: FastifyPluginAsyncZod<{ secureCookies: boolean }> = async (app, { secureCookies }) => {
  const { auth, accounts } = app.services;
  const failuresByAddress = app.createRateLimit({
    max: LOGIN_FAILURES_PER_ADDRESS.max,
    timeWindow: LOGIN_FAILURES_PER_ADDRESS.timeWindowMs,
    keyGenerator: (request) => request.ip,
  });
  // Attempts still hashing count too, or a burst sent at once would all pass the check before any failure is counted.
  const inFlight = new Map<string, number>();

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        body: LoginBodySchema,
        response: { 200: SessionResponseSchema, ...errorResponses, 429: ErrorBodySchema },
      },
      // Ten tries a minute per address and account: guessing one password stays slow, a shared office NAT still works.
      config: {
        rateLimit: {
          max: 10,
          timeWindow: '1 minute',
          hook: 'preHandler',
          keyGenerator: (request) =>
            `${request.ip}|${String((request.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}`,
        },
      },
    },
    async (request, reply) => {
      const { ip } = request;
      const failed = await failuresByAddress(request, { increment: false });
      const pending = inFlight.get(ip) ?? 0;
      if (!failed.isAllowed && failed.max - failed.remaining + pending >= failed.max) {
        reply.header('retry-after', Math.max(1, failed.ttlInSeconds));
        throw new AppError(429, 'rate_limited', 'Too many failed sign-ins from this address; try again later');
      }
      inFlight.set(ip, pending + 1);
      let signedIn: Awaited<ReturnType<typeof auth.verifyPassword>>;
      try {
        signedIn = await auth.verifyPassword(request.body.email, request.body.password);
        if (!signedIn) await failuresByAddress(request);
      } finally {
        const left = (inFlight.get(ip) ?? 1) - 1;
        if (left > 0) inFlight.set(ip, left);
        else inFlight.delete(ip);
      }
      if (!signedIn) throw new AppError(401, 'invalid_credentials', 'Wrong email or password');
      const { user, mustChangePassword } = signedIn;
      const session = await auth.createSession(user.id);
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookies,
        maxAge: Math.floor(SESSION_TTL_MS / 1000),
      });
      request.log.info({ userId: user.id }, 'logged in');
      return { user, csrfToken: session.csrfToken, mustChangePassword };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: { tags: ['auth'], response: { 204: z.null(), ...errorResponses } },
      onRequest: app.requireRole('expert'),
    },
    async (request, reply) => {
      if (request.principal?.sessionTokenHash) await auth.revokeSession(request.principal.sessionTokenHash);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/me',
    { schema: { tags: ['auth'], response: { 200: SessionResponseSchema, ...errorResponses } } },
    async (request) => {
      if (!request.principal) throw unauthorized();
      return {
        user: request.principal.user,
        csrfToken: request.principal.csrfToken ?? '',
        mustChangePassword: request.principal.mustChangePassword ?? false,
      };
    },
  );

  // Someone who holds a session but not the password (a borrowed laptop) must not guess it here at argon2's pace.
  app.post(
    '/api/me/password',
    {
      schema: {
        tags: ['auth'],
        body: ChangePasswordBodySchema,
        response: { 204: z.null(), ...errorResponses, 429: ErrorBodySchema },
      },
      onRequest: app.requireRole('expert'),
      config: { rateLimit: { max: 10, timeWindow: '1 minute', hook: 'preHandler', keyGenerator: callerKey } },
    },
    async (request, reply) => {
      await accounts.changePassword(callerOf(request), request.body.currentPassword, request.body.newPassword);
      return reply.code(204).send(null);
    },
  );
};
