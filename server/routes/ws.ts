import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { AppError, unauthorized } from '../errors.js';
import { callerOf } from '../plugins/auth.js';

/** How often live connections are checked against their credential's expiry. */
export const EXPIRY_SWEEP_MS = 1000;

/**
 * Browsers send any site's cookies with a WebSocket upgrade (no CORS applies to it), so a page elsewhere could open
 * the live channel as a signed-in visitor: a browser's Origin must be this server's own (by its Host header, over
 * http or https) or one configured. Tools that send no Origin authenticate with a bearer token and stay welcome.
 */
export function originAllowed(request: FastifyRequest, allowedOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  const host = request.headers.host;
  const own = (scheme: string) => {
    try {
      return new URL(`${scheme}://${host}`).origin;
    } catch {
      return null;
    }
  };
  return allowedOrigins.includes(origin) || (!!host && (origin === own('http') || origin === own('https')));
}

// The live channel. Authentication happens before the upgrade (session cookie or bearer token), so an anonymous
// client gets a plain 401 instead of a socket. The connection itself is the expert's presence.
// No security headers: the upgrade's HTTP response is never sent (ws writes its own 101), yet @fastify/websocket keeps
// it for the life of the socket, so they would only hold memory for every connected expert.
export const wsRoutes: FastifyPluginAsync<{ allowedOrigins: readonly string[] }> = async (app, { allowedOrigins }) => {
  const { hub } = app.services;
  app.get(
    '/ws',
    {
      websocket: true,
      config: { securityHeaders: false },
      preValidation: async (request) => {
        if (!originAllowed(request, allowedOrigins))
          throw new AppError(403, 'origin', 'This page may not open the live channel');
        if (!request.principal) throw unauthorized();
      },
    },
    (socket, request) => {
      const { user, credential, expiresAt } = callerOf(request);
      const disconnect = hub.connect(socket, user.id, user.role, { key: credential, expiresAt });
      socket.on('message', (raw: Buffer) => {
        if (raw.length < 64 && raw.toString() === '{"type":"ping"}') socket.send('{"type":"pong"}');
      });
      socket.on('close', disconnect);
      socket.on('error', disconnect);
    },
  );

  // A socket lives on after the request that opened it: it must not outlast its session or token.
  const sweep = setInterval(() => hub.closeExpired(), EXPIRY_SWEEP_MS);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));
};
