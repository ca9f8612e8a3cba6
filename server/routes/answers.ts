import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { SimilarAnswersSchema, SimilarQuerySchema } from '../contracts/api.js';
import { errorResponses, IdParamsSchema } from './schemas.js';
import { callerOf } from '../plugins/auth.js';

export const answerRoutes: FastifyPluginAsyncZod = async (app) => {
  const { answers } = app.services;

  app.get(
    '/api/questions/:id/similar',
    {
      schema: {
        tags: ['knowledge'],
        summary: 'Approved or posted answers to the most similar past questions',
        params: IdParamsSchema,
        querystring: SimilarQuerySchema,
        response: { 200: SimilarAnswersSchema, ...errorResponses },
      },
      onRequest: app.requireRole('expert'),
    },
    async (request) => ({
      items: await answers.similar(callerOf(request).user, request.params.id, request.query.limit),
    }),
  );
};
