import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { RecognitionQuerySchema, RecognitionSchema } from '../contracts/api.js';
import { errorResponses } from './schemas.js';
import { callerOf } from '../plugins/auth.js';

export const recognitionRoutes: FastifyPluginAsyncZod = async (app) => {
  const { analytics } = app.services;

  // Managers get every expert and every store; an expert gets only their own row.
  app.get(
    '/api/recognition',
    {
      schema: {
        tags: ['metrics'],
        querystring: RecognitionQuerySchema,
        response: { 200: RecognitionSchema, ...errorResponses },
      },
      onRequest: app.requireRole('expert'),
    },
    async (request) => analytics.recognition(callerOf(request).user, request.query),
  );
};
