import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { MetricsQuerySchema, MetricsSchema } from '../contracts/api.js';
import { errorResponses } from './schemas.js';

export const metricsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { metrics } = app.services;

  // Without `experts` the answer lists every expert who replied in the window, which on a large network is big:
  // re-validating all of it against the schema on the way out is a real part of the request
  // (docs/architecture.md#why-some-rules-are-so), so it is serialized as is. The schema still documents it (OpenAPI)
  // and the tests check the responses against it.
  app.get(
    '/api/metrics',
    {
      schema: {
        tags: ['metrics'],
        querystring: MetricsQuerySchema,
        response: { 200: MetricsSchema, ...errorResponses },
      },
      serializerCompiler: () => (data) => JSON.stringify(data),
      onRequest: app.requireRole('manager'),
    },
    async (request) => metrics.report(request.query),
  );
};
