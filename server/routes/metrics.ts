import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import {
  HealthSchema,
  MetricsQuerySchema,
  MetricsSchema,
  SettingsPatchSchema,
  SettingsSchema,
} from '../contracts/api.js';
import { databaseIsHealthy } from '../../db/client.js';
import { errorResponses } from './schemas.js';

export const metricsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { metrics, channels, db, outbox, settings, routingModel } = app.services;

  // Without `experts` the answer lists every expert who replied in the window (1.3 MB for 10,000 experts):
  // re-validating all of it against the schema on the way out added ~15 % to the request, so it is serialized as is.
  // The schema still documents it (OpenAPI) and the tests check the responses against it.
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
    '/health',
    { schema: { tags: ['health'], response: { 200: HealthSchema, 503: HealthSchema } } },
    async (_request, reply) => {
      const dbOk = databaseIsHealthy(db);
      const list = channels.list().map((c) => (c.name === 'x' ? { ...c, outbox: outbox.counts() } : c));
      const degraded = !dbOk || list.some((c) => c.state === 'error');
      const { state, learned, total } = routingModel.status();
      return reply.code(dbOk ? 200 : 503).send({
        status: degraded ? 'degraded' : 'ok',
        db: dbOk ? 'ok' : 'error',
        channels: list,
        routing: { model: state, learned, total },
      });
    },
  );

  // Experts read the settings too: the attribution template shapes the preview they see while writing.
  app.get(
    '/api/settings',
    {
      schema: { tags: ['settings'], response: { 200: SettingsSchema, ...errorResponses } },
      onRequest: app.requireRole('expert'),
    },
    async (request) => settings.forRole(request.principal!.user.role),
  );

  app.put(
    '/api/settings',
    {
      schema: { tags: ['settings'], body: SettingsPatchSchema, response: { 200: SettingsSchema, ...errorResponses } },
      onRequest: app.requireRole('admin'),
    },
    async (request) => settings.update(request.body),
  );

  app.get(
    '/api/live',
    {
      schema: {
        tags: ['metrics'],
        response: {
          200: z.object({
            open: z.number(),
            inReview: z.number(),
            escalated: z.number(),
            answeredToday: z.number(),
            onlineExperts: z.number(),
          }),
          ...errorResponses,
        },
      },
      onRequest: app.requireRole('manager'),
    },
    async () => metrics.live(app.services.onlineExperts()),
  );
};
