// Posting: approved replies go through the outbox to the fake X. Measured once clean (posts/s) and once with a share
// of `POST /2/tweets` answered 503 (time to drain with the app's real backoff). Either way every customer tweet must
// end with exactly one brand reply: none lost, none doubled.
import { SAMPLE_QUESTIONS } from '../../dev/demo/catalog.js';
import type { AppEnv } from './app-env.js';
import type { DrainResult } from './app-server.js';
import type { BenchContext } from './context.js';
import { round } from './stats.js';

export interface PostingRun {
  posts: number;
  faultRate: number;
  injected503: number;
  prepareMs: number;
  drainMs: number;
  drained: boolean;
  postsPerSecond: number | null;
  sent: number;
  failed: number;
  retried: number;
  lost: number;
  doubled: number;
}

let batch = 0;

async function postBatch(ctx: BenchContext, env: AppEnv, faultRate: number): Promise<PostingRun> {
  batch++;
  const tweets = Array.from({ length: ctx.flags.posts }, (_, i) => {
    const handle = `poster${batch}_${i % 97}`;
    const tweet = env.fakeX.addMention({
      text: `${SAMPLE_QUESTIONS[i % SAMPLE_QUESTIONS.length]} (#${batch}-${i})`,
      author: { username: handle },
    });
    return { id: tweet.id, text: tweet.text, handle };
  });
  const since = Date.now();
  if (faultRate > 0) env.fakeX.injectFault({ method: 'POST', path: '/2/tweets', status: 503, probability: faultRate });
  const prepared = await env.app.call<{ ms: number }>('preparePosting', { tweets });
  const drain = await env.app.call<DrainResult>('drainOutbox', { timeoutMs: 180_000 });
  env.fakeX.clearFaults();
  let lost = 0;
  let doubled = 0;
  for (const tweet of tweets) {
    const replies = env.fakeX.brandReplies(tweet.id).length;
    if (replies === 0) lost++;
    if (replies > 1) doubled++;
  }
  const injected503 = env.fakeX.requests.filter(
    (r) => r.at >= since && r.method === 'POST' && r.path === '/2/tweets' && r.status === 503,
  ).length;
  return {
    posts: tweets.length,
    faultRate,
    injected503,
    prepareMs: Math.round(prepared.ms),
    drainMs: Math.round(drain.ms),
    drained: drain.drained,
    postsPerSecond: round(drain.sent / (drain.ms / 1000), 1),
    sent: drain.sent,
    failed: drain.failed,
    retried: drain.retried,
    lost,
    doubled,
  };
}

export async function runPosting(ctx: BenchContext, env: AppEnv) {
  console.error(`  posting: ${ctx.flags.posts} replies, no faults…`);
  const clean = await postBatch(ctx, env, 0);
  console.error(`  posting: ${ctx.flags.posts} replies, ${ctx.flags.faultRate * 100}% injected 503…`);
  const faults = await postBatch(ctx, env, ctx.flags.faultRate);
  return {
    clean,
    faults,
    exactlyOnce: [clean, faults].every((r) => r.lost === 0 && r.doubled === 0 && r.failed === 0),
  };
}
