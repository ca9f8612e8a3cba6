import type { FastifyPluginAsync } from 'fastify';
import { unauthorized } from '../errors.js';

// The live channel. Authentication happens before the upgrade (session cookie or bearer token), so an anonymous
// client gets a plain 401 instead of a socket. The connection itself is the expert's presence.
// No security headers: the upgrade's HTTP response is never sent (ws writes its own 101), yet @fastify/websocket keeps
// it for the life of the socket, so they would only hold ~1.5 KB per connected expert.
export const wsRoutes: FastifyPluginAsync = async (app) => {
  const { hub } = app.services;
  app.get('/ws', {
    websocket: true,
    config: { securityHeaders: false },
    preValidation: async (request) => { if (!request.principal) throw unauthorized(); },
  }, (socket, request) => {
    const { user } = request.principal!;
    const disconnect = hub.connect(socket, user.id, user.role);
    socket.on('message', (raw: Buffer) => {
      if (raw.length < 64 && raw.toString() === '{"type":"ping"}') socket.send('{"type":"pong"}');
    });
    socket.on('close', disconnect);
    socket.on('error', disconnect);
  });
};
