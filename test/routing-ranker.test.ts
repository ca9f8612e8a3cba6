import t from 'tap';
import { FEATURES } from '../server/domain/routing/features.js';
import { createRouter } from '../server/domain/routing/index.js';
import { createOnlineRanker, type OnlineRanker } from '../server/domain/routing/ranker.js';
import { LEARNED_PATTERN, learnedReasons } from '../server/domain/routing/score.js';
import { routingExpert } from './helpers/routing.js';

/** A feature vector with only the first feature set. */
const vector = (value: number) => FEATURES.map((_, i) => (i === 0 ? value : 0));
const SOME = vector(0.5);
const NONE_OR_MUCH = [vector(0), vector(1)];
const ALL = [SOME, ...NONE_OR_MUCH];

/**
 * The answerer always has some of a signal, against one with none and one with twice as much: no weighted sum orders
 * that (the signal's weight would have to be above 0 and below it at once), a hidden layer can.
 */
function teachSome(ranker: OnlineRanker, answers: number) {
  for (let i = 0; i < answers; i++) ranker.update(SOME, NONE_OR_MUCH);
}

const linearPart = (ranker: OnlineRanker, features: readonly number[]) =>
  ranker.score(features) - ranker.network(features);

t.test('the network learns an order no weighted sum of the features can give, once the history is large', async (t) => {
  const ranker = createOnlineRanker();
  teachSome(ranker, 25_000);
  for (const negative of NONE_OR_MUCH)
    t.ok(
      ranker.score(SOME) > ranker.score(negative) + 1,
      `0.5 over ${negative[0]}: ${ranker.score(SOME)} > ${ranker.score(negative)}`,
    );
  const linearWins = NONE_OR_MUCH.filter((negative) => linearPart(ranker, SOME) > linearPart(ranker, negative));
  t.ok(linearWins.length < 2, `the linear part alone orders ${linearWins.length} of the 2 pairs`);
});

t.test("the network's step grows from 0, so a young site's first answers hardly move it", async (t) => {
  const ranker = createOnlineRanker();
  for (const features of ALL) t.equal(ranker.network(features), 0, 'it starts at 0');
  const before = ranker.weights[0]!;
  teachSome(ranker, 500);
  const moved = Math.max(...ALL.map((features) => Math.abs(ranker.network(features))));
  const linearMoved = Math.abs(ranker.weights[0]! - before);
  t.ok(moved < 0.01, `after 500 answers its output is at most ${moved}`);
  t.ok(linearMoved > 10 * moved, `while the linear weights moved ${linearMoved}`);
});

t.test('the same answers in the same order give the same network (the replay at start is the model)', async (t) => {
  const first = createOnlineRanker();
  const second = createOnlineRanker();
  teachSome(first, 25_000);
  teachSome(second, 25_000);
  for (const features of [...ALL, vector(0.3)]) {
    t.not(first.network(features), 0);
    t.equal(first.network(features), second.network(features));
    t.equal(first.score(features), second.score(features));
  }
});

t.test("an offer's reasons itemize the network as one line, and add up to its score", async (t) => {
  const ranker = createOnlineRanker();
  teachSome(ranker, 25_000);
  const baseline = vector(0);
  const features = SOME;
  const reasons = learnedReasons(ranker.contributions(features), ranker.contributions(baseline));
  t.equal(reasons[LEARNED_PATTERN], ranker.network(features) - ranker.network(baseline));
  t.ok(reasons[LEARNED_PATTERN]! > 0.1, `the learned pattern speaks for the answerer: ${reasons[LEARNED_PATTERN]}`);
  const total = Object.values(reasons).reduce((sum, value) => sum + value, 0);
  t.ok(Math.abs(total - (ranker.score(features) - ranker.score(baseline))) < 1e-9, 'the reasons add up to the score');
});

const expert = (id: string) => routingExpert(id, { generalist: true });

t.test('a router with a large history shows the learned pattern among the reasons of what it ranks', async (t) => {
  const router = createRouter({ k: 3, maxOffersPerHour: 100, requireOnline: false });
  const experts = ['ana', 'ben', 'cai', 'dee'];
  for (const id of experts) router.upsertExpert(expert(id));
  const topics = ['printer jams', 'router drops wifi', 'laptop overheats', 'phone will not charge'];
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < 22_000; i++) {
    const topic = i % 4;
    // Mostly the topic's own expert, sometimes the next one: a history with habits to learn.
    const who = experts[(topic + (i % 7 === 0 ? 1 : 0)) % 4]!;
    router.learnAnswer(who, `${topics[topic]} again ${i % 50}`, [], start + i * 60_000);
  }
  const ranked = router.rank({ text: 'the printer jams again', tags: [], now: start + 22_000 * 60_000 });
  const patterns = ranked.map((r) => r.reasons[LEARNED_PATTERN] ?? 0);
  t.ok(
    patterns.some((value) => value !== 0),
    `the network is one line of the reasons: ${patterns.join(', ')}`,
  );
  for (const r of ranked) {
    const total = Object.values(r.reasons).reduce((sum, value) => sum + value, 0);
    t.ok(Math.abs(total - r.score) < 0.01, `${r.expertId}: reasons add up to the score (${total} against ${r.score})`);
  }
});
