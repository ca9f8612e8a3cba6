import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { HealthSchema } from '../contracts/api.js';
import { channelHealth } from '../services/channel-status.js';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  const { channels, channelAdapters, data, routingModel, storage, cluster } = app.services;

  app.get(
    '/health',
    { schema: { tags: ['health'], response: { 200: HealthSchema, 503: HealthSchema } } },
    async (_request, reply) => {
      const dbOk = await data.health.databaseAnswers();
      const list = dbOk
        ? await channelHealth(
            data,
            channels,
            channelAdapters.list().map((adapter) => adapter.name),
          )
        : channels.list();
      const degraded = !dbOk || list.some((c) => c.state === 'error');
      const { state, learned, total } = routingModel.status();
      return reply.code(dbOk ? 200 : 503).send({
        status: degraded ? 'degraded' : 'ok',
        db: dbOk ? 'ok' : 'error',
        channels: list,
        routing: { model: state, learned, total },
        engine: storage.engine,
        node: { id: cluster.nodeId, leader: cluster.leadership.isLeader() },
      });
    },
  );
};
