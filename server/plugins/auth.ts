// Who is calling: a session cookie (browser) or `Authorization: Bearer` (tools). `app.requireRole(role)` is the
// preHandler every protected route uses; it also enforces the CSRF rule for cookie-authenticated writes.
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../contracts/api.js';
import { roleAtLeast } from '../domain/roles.js';
import { AppError, forbidden, unauthorized } from '../errors.js';
import type { Principal } from '../services/auth.js';

export const SESSION_COOKIE = 'hf_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// A session signed in with a temporary password reaches only these until it has chosen its own.
const DURING_PASSWORD_CHANGE = new Set(['/api/me', '/api/me/password', '/api/auth/logout', '/api/auth/login']);

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    requireRole(role: Role): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export function hasRole(principal: Principal, role: Role): boolean {
  return roleAtLeast(principal.user.role, role);
}

/** The caller of a route behind `requireRole`: the hook answered 401 before the handler if there was none. */
export function callerOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

/** Rate limits per caller: each API token on its own, a person across all their sessions, anyone else by address. */
export function callerKey(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.tokenId) return `token:${principal.tokenId}`;
  return principal ? `user:${principal.user.id}` : `ip:${request.ip}`;
}

export default fp(
  async (app) => {
    app.decorateRequest('principal', null);

    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      if (header?.startsWith('Bearer ')) {
        request.principal = await app.services.auth.tokenPrincipal(header.slice(7).trim());
        if (!request.principal)
          throw new AppError(401, 'invalid_token', 'The API token is unknown, revoked or expired');
        return;
      }
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) request.principal = await app.services.auth.sessionPrincipal(cookie);
      const route = request.routeOptions.url;
      if (
        request.principal?.mustChangePassword &&
        route &&
        (route.startsWith('/api/') || route === '/ws') &&
        !DURING_PASSWORD_CHANGE.has(route)
      ) {
        throw new AppError(
          403,
          'password_change_required',
          'Choose a new password first: your account has a temporary one',
        );
      }
    });

    app.decorate('requireRole', (role: Role) => async (request: FastifyRequest) => {
      const principal = request.principal;
      if (!principal) throw unauthorized();
      if (!hasRole(principal, role)) throw forbidden(`This needs the ${role} role`);
      if (
        principal.via === 'session' &&
        !SAFE_METHODS.has(request.method) &&
        request.headers['x-csrf-token'] !== principal.csrfToken
      ) {
        throw new AppError(403, 'csrf', 'Missing or wrong X-CSRF-Token header');
      }
    });
  },
  { name: 'auth', dependencies: ['services'] },
);
