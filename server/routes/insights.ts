import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import { InsightsQuerySchema, InsightsSchema } from '../contracts/api.js';
import { insightsCsv, insightsMarkdown } from '../domain/insight-report.js';
import { errorResponses } from './schemas.js';

const EXPORTS = {
  csv: { type: 'text/csv; charset=utf-8', render: insightsCsv },
  md: { type: 'text/markdown; charset=utf-8', render: insightsMarkdown },
};

export const insightRoutes: FastifyPluginAsyncZod = async (app) => {
  const { analytics } = app.services;

  app.get(
    '/api/insights',
    {
      schema: {
        tags: ['metrics'],
        summary: 'Insight digest; format=csv or md downloads the same data as a file',
        querystring: InsightsQuerySchema,
        response: {
          200: z.union([InsightsSchema, z.string().describe('the CSV or Markdown file')]),
          ...errorResponses,
        },
      },
      onRequest: app.requireRole('manager'),
    },
    async (request, reply) => {
      const { format, ...range } = request.query;
      const digest = await analytics.insights(range);
      if (format === 'json') return digest;
      const file = `helpforce-insights-${digest.from.slice(0, 10)}-${digest.to.slice(0, 10)}.${format}`;
      // A string with a non-JSON content type bypasses the JSON serializer, so the file goes out as rendered.
      return reply
        .type(EXPORTS[format].type)
        .header('content-disposition', `attachment; filename="${file}"`)
        .send(EXPORTS[format].render(digest));
    },
  );
};
