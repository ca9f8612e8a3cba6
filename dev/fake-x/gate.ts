import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FaultInjector } from './faults.js';
import type { RateLimiter } from './rate-limit.js';
import type { LoggedRequest } from './types.js';
import { problem, tooManyRequests, unauthorized } from './problems.js';
import { sendProblem } from './reply-helpers.js';

const MAX_LOGGED_REQUESTS = 10_000;
const DEFAULT_FAULT_RESET_SEC = 60;

interface GateDeps {
  faults: FaultInjector;
  limiter: RateLimiter;
  clock: () => number;
  log: LoggedRequest[];
}

/**
 * Everything that happens to an X API request before its handler, in the order X would apply it:
 * injected faults (they simulate the network and X's edge, so they come first), the auth gate,
 * then the per-route rate limit. Only /2/ routes pass through it; the public page never fails.
 */
export function registerGate(app: FastifyInstance, { faults, limiter, clock, log }: GateDeps): void {
  const dropAfterHandler = new WeakSet<FastifyRequest>();
  const hangAfterHandler = new WeakSet<FastifyRequest>();
  const logged = new WeakSet<FastifyRequest>();
  const record = (request: FastifyRequest, status: number) => {
    if (logged.has(request)) return;
    logged.add(request);
    log.push({ method: request.method, path: pathOf(request), status, at: clock() });
    if (log.length > MAX_LOGGED_REQUESTS * 1.1) log.splice(0, log.length - MAX_LOGGED_REQUESTS);
  };
  const routeKey = (request: FastifyRequest) => `${request.method} ${request.routeOptions.url}`;

  app.addHook('onRequest', async (request, reply) => {
    if (!isApi(request)) return;
    const fault = faults.take(request.method, pathOf(request), request.routeOptions.url);
    if (!fault) return;
    if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault.hang === 'after') hangAfterHandler.add(request);
    else if (fault.drop === 'before' || fault.hang) {
      record(request, 0);
      reply.hijack();
      if (fault.drop === 'before') request.raw.socket.destroy();
      return;
    }
    if (fault.drop === 'after') dropAfterHandler.add(request);
    if (fault.status) {
      const reset = Math.ceil(clock() / 1000) + (fault.resetInSec ?? DEFAULT_FAULT_RESET_SEC);
      const override = fault.status === 429 ? { remaining: 0, reset } : undefined;
      reply.headers(limiter.headers(routeKey(request), override));
      return sendProblem(reply, problem(fault.status));
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!isApi(request)) return;
    if (!/^(OAuth|Bearer)\s\S/i.test(request.headers.authorization ?? '')) return sendProblem(reply, unauthorized());
    if (!request.routeOptions.url) return;
    const { allowed, headers } = limiter.take(routeKey(request));
    reply.headers(headers);
    if (!allowed) return sendProblem(reply, tooManyRequests());
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (hangAfterHandler.has(request)) {
      // The handler ran (a post is stored); hold the response until the client gives up or the server closes.
      record(request, reply.statusCode);
      const socket = request.raw.socket;
      if (!socket.destroyed) await new Promise((resolve) => socket.once('close', resolve));
      return payload;
    }
    if (!dropAfterHandler.has(request)) return payload;
    record(request, reply.statusCode);
    request.raw.socket.destroy();
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    if (isApi(request)) record(request, reply.statusCode);
  });
}

function isApi(request: FastifyRequest): boolean {
  return request.url.startsWith('/2/');
}

function pathOf(request: FastifyRequest): string {
  const query = request.url.indexOf('?');
  return query === -1 ? request.url : request.url.slice(0, query);
}
