import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import { z } from 'zod';
import {
  AssignBodySchema,
  DismissBodySchema,
  ErrorBodySchema,
  IngestQuestionSchema,
  QuestionListQuerySchema,
  QuestionListSchema,
  QuestionViewSchema,
  RetagBodySchema,
} from '../contracts/api.js';
import { callerKey, callerOf } from '../plugins/auth.js';
import { createChannelInfo } from '../services/channel-info.js';
import { createCustomerHistory } from '../services/customer-history.js';
import { errorResponses, IdParamsSchema, QuestionBody } from './schemas.js';

export const questionRoutes: FastifyPluginAsyncZod<{ ingestPerMinute: number }> = async (app, { ingestPerMinute }) => {
  const { ingest, questions } = app.services;
  // Read-only beside the detail: the question's side panel, composed here so the detail stays one service call.
  const customerHistory = createCustomerHistory(app.services.data);
  const channelInfo = createChannelInfo(app.services.channelAdapters);
  const expert = app.requireRole('expert');
  const manager = app.requireRole('manager');

  app.post(
    '/api/questions',
    {
      schema: {
        tags: ['questions'],
        body: IngestQuestionSchema,
        response: { 200: QuestionBody, 201: QuestionBody, ...errorResponses, 429: ErrorBodySchema },
      },
      onRequest: manager,
      // Each question is offered to experts' phones: a leaked or runaway token must not flood the queue and everyone.
      config: {
        rateLimit: { max: ingestPerMinute, timeWindow: '1 minute', hook: 'preHandler', keyGenerator: callerKey },
      },
    },
    async (request, reply) => {
      const outcome = await ingest.submit(request.body);
      return reply.code(outcome.duplicate ? 200 : 201).send({ question: outcome.question });
    },
  );

  app.get(
    '/api/questions',
    {
      schema: {
        tags: ['questions'],
        querystring: QuestionListQuerySchema,
        response: { 200: QuestionListSchema, ...errorResponses },
      },
      onRequest: expert,
    },
    async (request) => {
      const page = await questions.list(callerOf(request).user, request.query);
      return { ...page, items: await customerHistory.withWeekCounts(page.items) };
    },
  );

  app.get(
    '/api/questions/:id',
    {
      schema: {
        tags: ['questions'],
        params: IdParamsSchema,
        response: { 200: z.object({ question: QuestionViewSchema }), ...errorResponses },
      },
      onRequest: expert,
    },
    async (request) => {
      const question = await questions.detail(callerOf(request).user, request.params.id);
      return {
        question: { ...question, customerHistory: await customerHistory.of(question), ...channelInfo.of(question) },
      };
    },
  );

  app.post(
    '/api/questions/:id/claim',
    {
      schema: { tags: ['questions'], params: IdParamsSchema, response: { 200: QuestionBody, ...errorResponses } },
      onRequest: expert,
    },
    async (request) => ({ question: await questions.claim(callerOf(request).user, request.params.id) }),
  );

  app.post(
    '/api/questions/:id/release',
    {
      schema: { tags: ['questions'], params: IdParamsSchema, response: { 200: QuestionBody, ...errorResponses } },
      onRequest: expert,
    },
    async (request) => ({ question: await questions.release(callerOf(request).user, request.params.id) }),
  );

  app.post(
    '/api/questions/:id/assign',
    {
      schema: {
        tags: ['questions'],
        params: IdParamsSchema,
        body: AssignBodySchema,
        response: { 200: QuestionBody, ...errorResponses },
      },
      onRequest: manager,
    },
    async (request) => ({
      question: await questions.assign(callerOf(request).user, request.params.id, request.body.expertId),
    }),
  );

  // A question held as suspected spam turns out to be a customer: it goes to experts like any other, and the spam
  // model learns it was not spam (dismissing it with the reason "spam" teaches the opposite).
  app.post(
    '/api/questions/:id/not-spam',
    {
      schema: { tags: ['questions'], params: IdParamsSchema, response: { 200: QuestionBody, ...errorResponses } },
      onRequest: manager,
    },
    async (request) => ({ question: await questions.notSpam(callerOf(request).user, request.params.id) }),
  );

  app.post(
    '/api/questions/:id/dismiss',
    {
      schema: {
        tags: ['questions'],
        params: IdParamsSchema,
        body: DismissBodySchema,
        response: { 200: QuestionBody, ...errorResponses },
      },
      onRequest: manager,
    },
    async (request) => ({
      question: await questions.dismiss(callerOf(request).user, request.params.id, request.body.reason),
    }),
  );

  app.post(
    '/api/questions/:id/tags',
    {
      schema: {
        tags: ['questions'],
        params: IdParamsSchema,
        body: RetagBodySchema,
        response: { 200: QuestionBody, ...errorResponses },
      },
      onRequest: manager,
    },
    async (request) => ({
      question: await questions.retag(callerOf(request).user, request.params.id, request.body.tags),
    }),
  );
};
