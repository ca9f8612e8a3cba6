import type { FastifyInstance } from 'fastify';
import twitterText from 'twitter-text';
import type { FakeXState } from './state.js';
import type { FakeTweet } from './types.js';
import {
  duplicateContent,
  invalidRequest,
  replyNotAllowed,
  unsupportedAuthentication,
  type Problem,
} from './problems.js';
import { isBearer, sendProblem } from './reply-helpers.js';

const MAX_WEIGHTED_LENGTH = 280;

interface PostTweetBody {
  text?: unknown;
  reply?: { in_reply_to_tweet_id?: unknown };
}

export function registerPostRoute(app: FastifyInstance, state: FakeXState, enforceReplyRule: boolean): void {
  app.post<{ Body: PostTweetBody | undefined }>('/2/tweets', async (request, reply) => {
    if (isBearer(request)) return sendProblem(reply, unsupportedAuthentication());
    const outcome = postAsBrand(state, request.body ?? {}, enforceReplyRule);
    if ('status' in outcome) return sendProblem(reply, outcome);
    const { id, text } = outcome;
    return reply.code(201).send({ data: { id, text, edit_history_tweet_ids: [id] } });
  });
}

function postAsBrand(state: FakeXState, body: PostTweetBody, enforceReplyRule: boolean): FakeTweet | Problem {
  const { text } = body;
  if (typeof text !== 'string' || text.length === 0) {
    return invalidRequest('text', String(text ?? ''), 'Post text must not be empty (this fake does not support media)');
  }
  const { weightedLength } = twitterText.parseTweet(text);
  if (weightedLength > MAX_WEIGHTED_LENGTH) {
    return invalidRequest(
      'text',
      text,
      `Post text is too long: ${weightedLength} weighted characters, the limit is ${MAX_WEIGHTED_LENGTH}`,
    );
  }

  const targetId = body.reply?.in_reply_to_tweet_id;
  let target: FakeTweet | undefined;
  if (targetId !== undefined) {
    target = typeof targetId === 'string' ? state.tweet(targetId) : undefined;
    if (!target) {
      return invalidRequest(
        'reply.in_reply_to_tweet_id',
        String(targetId),
        'The post you are replying to does not exist or is not visible to you',
      );
    }
    const summoned = target.authorId === state.brand.id || state.mentions(target, state.brand);
    if (enforceReplyRule && !summoned) return replyNotAllowed();
  }

  if (state.hasPosted(state.brand.id, text)) return duplicateContent();
  return state.addTweet({ text, authorId: state.brand.id, inReplyToTweetId: target?.id });
}
