import type { FastifyInstance } from 'fastify';
import type { FakeXState } from './state.js';
import { invalidRequest, userNotFound } from './problems.js';
import { isProblem, parseTimelineQuery } from './timeline-query.js';
import { pageOf } from './paging.js';
import { renderUser, timelineBody } from './render.js';
import { compileSearchQuery } from './search-query.js';
import { sendProblem, type XQuery } from './reply-helpers.js';

type UserRoute = { Params: { id: string }; Querystring: XQuery };

export function registerReadRoutes(app: FastifyInstance, state: FakeXState): void {
  app.get<{ Querystring: XQuery }>('/2/users/me', async (request) => {
    const fields = new Set(request.query['user.fields']?.split(','));
    return { data: renderUser(state.brand, fields) };
  });

  app.get<UserRoute>('/2/users/:id/mentions', async (request, reply) => {
    const query = parseTimelineQuery(request.query, { minResults: 5, tokenParams: ['pagination_token'] });
    if (isProblem(query)) return sendProblem(reply, query);
    const user = state.user(request.params.id);
    if (!user) return userNotFound(request.params.id);
    return timelineBody(state, pageOf(state.mentionsOf(user), query), query.fields);
  });

  app.get<UserRoute>('/2/users/:id/tweets', async (request, reply) => {
    const query = parseTimelineQuery(request.query, { minResults: 5, tokenParams: ['pagination_token'] });
    if (isProblem(query)) return sendProblem(reply, query);
    const user = state.user(request.params.id);
    if (!user) return userNotFound(request.params.id);
    return timelineBody(state, pageOf(state.tweetsBy(user), query), query.fields);
  });

  app.get<{ Querystring: XQuery }>('/2/tweets/search/recent', async (request, reply) => {
    const text = request.query.query;
    if (!text) return sendProblem(reply, invalidRequest('query', '', 'The `query` query parameter can not be empty'));
    const query = parseTimelineQuery(request.query, {
      minResults: 10,
      tokenParams: ['next_token', 'pagination_token'],
    });
    if (isProblem(query)) return sendProblem(reply, query);
    const matches = compileSearchQuery(text, state);
    if (typeof matches === 'string') return sendProblem(reply, invalidRequest('query', text, matches));
    return timelineBody(state, pageOf(state.tweets, query, matches), query.fields);
  });
}
