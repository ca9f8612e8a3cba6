import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import { ApproveBodySchema, QuestionSchema, RejectBodySchema, ReplyBodySchema, ReplySchema } from '../contracts/api.js';
import { errorResponses, IdParamsSchema, QuestionBody } from './schemas.js';
import { callerOf } from '../plugins/auth.js';

const ReplyListQuerySchema = z.object({
  status: z.string().max(100).optional(),
  author: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const replyRoutes: FastifyPluginAsyncZod = async (app) => {
  const { replies, outbox } = app.services;
  const expert = app.requireRole('expert');
  const manager = app.requireRole('manager');

  app.post(
    '/api/questions/:id/replies',
    {
      schema: {
        tags: ['replies'],
        params: IdParamsSchema,
        body: ReplyBodySchema,
        response: { 201: z.object({ reply: ReplySchema }), ...errorResponses },
      },
      onRequest: expert,
    },
    async (request, reply) =>
      reply
        .code(201)
        .send({ reply: await replies.submit(callerOf(request).user, request.params.id, request.body.text) }),
  );

  app.get(
    '/api/replies',
    {
      schema: {
        tags: ['replies'],
        querystring: ReplyListQuerySchema,
        response: {
          200: z.object({ items: z.array(ReplySchema.extend({ question: QuestionSchema })) }),
          ...errorResponses,
        },
      },
      onRequest: expert,
    },
    async (request) => ({ items: await replies.list(callerOf(request).user, request.query) }),
  );

  app.post(
    '/api/replies/:id/approve',
    {
      schema: {
        tags: ['replies'],
        params: IdParamsSchema,
        body: ApproveBodySchema.optional(),
        response: { 200: z.object({ reply: ReplySchema }), ...errorResponses },
      },
      onRequest: manager,
    },
    async (request) => ({
      reply: await replies.approve(callerOf(request).user, request.params.id, request.body?.text),
    }),
  );

  app.post(
    '/api/replies/:id/reject',
    {
      schema: {
        tags: ['replies'],
        params: IdParamsSchema,
        body: RejectBodySchema,
        response: { 200: z.object({ reply: ReplySchema }), ...errorResponses },
      },
      onRequest: manager,
    },
    async (request) => ({
      reply: await replies.reject(callerOf(request).user, request.params.id, request.body.feedback),
    }),
  );

  // Posts a question's approved reply again after posting it failed: the reply's last step, though the URL names the
  // question.
  app.post(
    '/api/questions/:id/retry',
    {
      schema: { tags: ['questions'], params: IdParamsSchema, response: { 200: QuestionBody, ...errorResponses } },
      onRequest: manager,
    },
    async (request) => ({ question: await outbox.retry(callerOf(request).user, request.params.id) }),
  );
};
