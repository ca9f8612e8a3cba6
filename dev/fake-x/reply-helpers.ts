import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from './problems.js';

export type XQuery = Record<string, string | undefined>;

export function sendProblem(reply: FastifyReply, { status, body }: Problem): FastifyReply {
  return reply.code(status).type('application/problem+json').send(body);
}

export function isBearer(request: FastifyRequest): boolean {
  return /^Bearer\s/i.test(request.headers.authorization ?? '');
}
