import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultRule, LoggedRequest } from './types.js';

const MAX_LOGGED_REQUESTS = 10_000;

interface GateDeps {
  accessToken: string;
  rateLimit: { limit: number; windowSec: number };
  clock: () => number;
  faults: FaultRule[];
  log: LoggedRequest[];
}

export function sendError(reply: FastifyReply, status: number, error: string) {
  return reply.code(status).type('application/json; charset=utf-8').send({ error });
}

const pathOf = (request: FastifyRequest) => request.url.split('?')[0] ?? request.url;
const isApi = (request: FastifyRequest) => request.url.startsWith('/api/');

function matches(rule: FaultRule, request: FastifyRequest): boolean {
  if (rule.method && rule.method.toUpperCase() !== request.method) return false;
  if (rule.path === undefined) return true;
  const path = pathOf(request);
  if (typeof rule.path === 'string') return rule.path === path;
  rule.path.lastIndex = 0;
  return rule.path.test(path);
}

/**
 * What happens to an API request before its handler, in Mastodon's order: injected faults (the network and the
 * proxy in front), the token, then the rate limit of the token (X-RateLimit-* on every answer, the reset as ISO 8601).
 */
export function registerGate(app: FastifyInstance, { accessToken, rateLimit, clock, faults, log }: GateDeps): void {
  const dropAfterHandler = new WeakSet<FastifyRequest>();
  const hangAfterHandler = new WeakSet<FastifyRequest>();
  const logged = new WeakSet<FastifyRequest>();
  let window = { start: clock(), used: 0 };
  const record = (request: FastifyRequest, status: number) => {
    if (logged.has(request)) return;
    logged.add(request);
    const key = request.headers['idempotency-key'];
    log.push({
      method: request.method,
      path: pathOf(request),
      query: request.url.slice(pathOf(request).length),
      status,
      idempotencyKey: typeof key === 'string' ? key : undefined,
      at: clock(),
    });
    if (log.length > MAX_LOGGED_REQUESTS * 1.1) log.splice(0, log.length - MAX_LOGGED_REQUESTS);
  };
  const limitHeaders = (remaining: number, resetAt: number) => ({
    'x-ratelimit-limit': String(rateLimit.limit),
    'x-ratelimit-remaining': String(Math.max(0, remaining)),
    'x-ratelimit-reset': new Date(resetAt).toISOString(),
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!isApi(request)) return;
    const index = faults.findIndex((rule) => matches(rule, request));
    if (index === -1) return;
    const fault = faults[index] as FaultRule;
    if (fault.skip) {
      faults[index] = { ...fault, skip: fault.skip - 1 };
      return;
    }
    const times = (fault.times ?? Number.POSITIVE_INFINITY) - 1;
    if (times <= 0) faults.splice(index, 1);
    else faults[index] = { ...fault, times };
    if (fault.drop === 'before') {
      record(request, 0);
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    if (fault.drop === 'after') dropAfterHandler.add(request);
    if (fault.hang === 'after') hangAfterHandler.add(request);
    if (fault.status === 429) {
      reply.headers(limitHeaders(0, clock() + (fault.resetInSec ?? 60) * 1000));
      return sendError(reply, 429, 'Too many requests');
    }
    if (fault.status) return sendError(reply, fault.status, fault.status >= 500 ? 'Internal server error' : 'Error');
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!isApi(request) || request.url.startsWith('/api/v2/instance')) return;
    if (request.headers.authorization !== `Bearer ${accessToken}`)
      return sendError(reply, 401, 'The access token is invalid');
    const now = clock();
    if (now - window.start >= rateLimit.windowSec * 1000) window = { start: now, used: 0 };
    window.used++;
    const resetAt = window.start + rateLimit.windowSec * 1000;
    reply.headers(limitHeaders(rateLimit.limit - window.used, resetAt));
    if (window.used > rateLimit.limit) return sendError(reply, 429, 'Too many requests');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (hangAfterHandler.has(request)) {
      record(request, reply.statusCode);
      const socket = request.raw.socket;
      if (!socket.destroyed) await new Promise((resolve) => socket.once('close', resolve));
      return payload;
    }
    if (!dropAfterHandler.has(request)) return payload;
    // The handler ran (a status is stored); the client never hears so.
    record(request, reply.statusCode);
    request.raw.socket.destroy();
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    if (isApi(request)) record(request, reply.statusCode);
  });
}
