import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import {
  MetricsQuerySchema,
  MetricsSchema,
  SentimentMetricsQuerySchema,
  SentimentMetricsSchema,
} from '../contracts/api.js';
import { sentimentMetricsCsv } from '../services/sentiment-metrics.js';
import { errorResponses } from './schemas.js';

export const metricsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { metrics, sentimentMetrics } = app.services;

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

  app.get(
    '/api/metrics/sentiment',
    {
      schema: {
        tags: ['metrics'],
        summary: 'How customers felt, and the share of negative threads an answer turned; format=csv downloads it',
        querystring: SentimentMetricsQuerySchema,
        response: {
          200: z.union([SentimentMetricsSchema, z.string().describe('the CSV file')]),
          ...errorResponses,
        },
      },
      onRequest: app.requireRole('manager'),
    },
    async (request, reply) => {
      const { format, ...range } = request.query;
      const report = await sentimentMetrics.report(range);
      if (format === 'json') return report;
      const file = `helpforce-sentiment-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv`;
      // A string with a non-JSON content type bypasses the JSON serializer, so the file goes out as rendered.
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file}"`)
        .send(sentimentMetricsCsv(report));
    },
  );
};
