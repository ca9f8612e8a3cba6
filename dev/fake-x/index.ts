import Fastify from 'fastify';
import { FakeXState } from './state.js';
import { FaultInjector } from './faults.js';
import { RateLimiter } from './rate-limit.js';
import { registerGate } from './gate.js';
import { registerReadRoutes } from './routes-read.js';
import { registerPostRoute } from './routes-post.js';
import { registerPublicPage } from './public-page.js';
import { problem } from './problems.js';
import { sendProblem } from './reply-helpers.js';
import { keepSaved, loadSnapshot } from './persistence.js';
import type { FakeX, FakeXOptions, KnownPost, LoggedRequest, NewMention } from './types.js';

export type { FakeX, FakeXOptions, FakeTweet, FaultRule, KnownPost, NewMention } from './types.js';
export { seededRandom } from './faults.js';
export { DAILY_APP_TWEETS, DAILY_USER_TWEETS, X_RATE_LIMITS_2026 } from './rate-limit.js';

const DEFAULT_BRAND = { id: '1000', username: 'AcmeHelp', name: 'Acme Support' };

/** The credentials are never verified: the client signs the rewritten loopback URL anyway. */
const FAKE_CREDENTIALS = {
  appKey: 'fake-app-key',
  appSecret: 'fake-app-secret',
  accessToken: '1000-fake-access-token',
  accessSecret: 'fake-access-secret',
};

export async function startFakeX(options: FakeXOptions = {}): Promise<FakeX> {
  const clock = options.clock ?? Date.now;
  const state = new FakeXState({ ...DEFAULT_BRAND, ...options.brand }, clock);
  const faults = new FaultInjector(options.random);
  const limiter = new RateLimiter(clock, options.rateLimits);
  const requests: LoggedRequest[] = [];
  const warn = options.warn ?? ((problem: string) => console.warn(problem));
  if (options.stateFile) {
    const loaded = loadSnapshot(options.stateFile);
    if (loaded.snapshot) state.restore(loaded.snapshot);
    else if (loaded.problem) warn(`fake X starts empty: ${loaded.problem}`);
  }
  const saving = options.stateFile
    ? keepSaved(state, options.stateFile, options.saveIntervalMs ?? 2000, warn)
    : undefined;

  // forceCloseConnections: close() must not wait for hung requests or keep-alive sockets of clients.
  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    return sendProblem(reply, problem(status, status < 500 ? error.message : undefined));
  });
  app.setNotFoundHandler((_request, reply) => sendProblem(reply, problem(404, 'Sorry, that page does not exist')));
  registerGate(app, { faults, limiter, clock, log: requests });
  registerReadRoutes(app, state);
  registerPostRoute(app, state, options.enforceReplyRule ?? true);
  registerPublicPage(app, state);

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host ?? '127.0.0.1';

  const addCustomerPost = (input: NewMention, mentionBrand: boolean) => {
    const author = state.customer(input.author);
    const mentions = new RegExp(`(^|[^\\w@])@${state.brand.username}\\b`, 'i').test(input.text);
    const text = mentionBrand && !mentions ? `@${state.brand.username} ${input.text}` : input.text;
    return state.addTweet({ ...input, text, authorId: author.id });
  };

  const restorePost = (post: KnownPost) => {
    if (!/^\d{1,19}$/.test(post.id) || state.tweet(post.id)) return false;
    const author = post.author ? state.customer(post.author) : state.brand;
    const parent = post.inReplyToTweetId ? state.tweet(post.inReplyToTweetId) : undefined;
    return state.importTweet({
      id: post.id,
      text: post.text,
      authorId: author.id,
      conversationId: parent?.conversationId ?? post.id,
      inReplyToTweetId: parent?.id,
      inReplyToUserId: parent?.authorId,
      lang: post.lang ?? 'en',
      createdAt: post.createdAt,
    });
  };

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    brand: { id: state.brand.id, username: state.brand.username, name: state.brand.name },
    credentials: { ...FAKE_CREDENTIALS },
    addMention: (input) => addCustomerPost(input, true),
    addTweet: (input) => addCustomerPost(input, false),
    tweets: () => state.tweets.slice(),
    brandReplies: (inReplyToTweetId) =>
      (inReplyToTweetId ? state.repliesTo(inReplyToTweetId) : state.tweetsBy(state.brand)).filter(
        (tweet) => tweet.authorId === state.brand.id && tweet.inReplyToTweetId !== undefined,
      ),
    restorePost,
    continueAbove: (id) => state.continueAbove(id),
    injectFault: (rule) => faults.inject(rule),
    clearFaults: () => faults.clear(),
    setRateLimit: (route, limit, windowSec) => limiter.set(route, limit, windowSec),
    requests,
    async close() {
      await app.close();
      saving?.stop();
    },
  };
}
