// Security headers (CSP, frame, sniffing, referrer, cross-origin policies) on every response. Helmet decides them; they
// do not depend on the request, so they are worked out once at start and then set as they are, rather than running
// helmet anew for every request as @fastify/helmet does (its cost: docs/architecture.md#why-some-rules-are-so).
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: send no security headers on this route (a WebSocket upgrade, whose HTTP response is never sent). */
    securityHeaders?: boolean;
  }
}

/** The headers helmet sets for these options, recorded from one run of its middleware against a stand-in response. */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure) throw failure;
  return headers;
}

export default fp<{ helmet: HelmetOptions }>(
  async (app, options) => {
    const headers = securityHeaders(options.helmet);
    app.addHook('onRequest', (request, reply, done) => {
      if (request.routeOptions.config.securityHeaders !== false) reply.headers(headers);
      done();
    });
  },
  { name: 'security-headers' },
);
