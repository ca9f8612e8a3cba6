// The similar-answers index: TF-IDF cosine over the routing tokenizer's terms, one best match per question, kept up
// to date one answer at a time — checked on small tables and on real airline tweets.
import t from 'tap';
import { createAnswerIndex } from '../server/domain/answer-index.js';
import { contentTerms } from '../server/domain/routing/index.js';
import { airlineTweetsMissing, readAirlineTweets } from './helpers/tweets.js';

const PAST = [
  { id: 'r1', group: 'q1', text: 'My TV has no sound over HDMI. Turn on HDMI-CEC and use the ARC port.' },
  { id: 'r2', group: 'q2', text: 'Can I return a laptop after 20 days? Yes, within 30 days with the receipt.' },
  { id: 'r3', group: 'q3', text: 'Soundbar not pairing with the TV remote. Hold the pairing button for five seconds.' },
  {
    id: 'r4',
    group: 'q3',
    text: 'Soundbar still not pairing. Reset the soundbar, then pair it again from the TV menu.',
  },
  { id: 'r5', group: 'q5', text: 'Where is my order? Track it with the link in your confirmation email.' },
];

function indexOf(docs = PAST) {
  const index = createAnswerIndex();
  for (const doc of docs) index.add(doc);
  return index;
}

t.test('ranks past answers by similarity to the question', async (t) => {
  const table: { query: string; best: string; why: string }[] = [
    { query: 'no sound from my tv on hdmi', best: 'q1', why: 'shares the rare terms sound and hdmi' },
    { query: 'returning a laptop I bought 3 weeks ago', best: 'q2', why: 'stemming matches returning with return' },
    { query: 'my soundbar will not pair', best: 'q3', why: 'soundbar and pair' },
    { query: 'where is my order #1234', best: 'q5', why: 'order' },
  ];
  const index = indexOf();
  for (const row of table)
    t.equal(index.search(row.query, { limit: 3 })[0]?.group, row.best, `${row.query}: ${row.why}`);
});

t.test('scores are cosines: 1 for the same text, lower for partial overlap, nothing for no overlap', async (t) => {
  const index = indexOf();
  const same = index.search(PAST[1]!.text, { limit: 1 })[0]!;
  t.equal(same.id, 'r2');
  t.ok(Math.abs(same.score - 1) < 1e-9, 'the very same text scores 1');
  const partial = index.search('laptop battery drains fast', { limit: 5 });
  t.equal(partial[0]!.id, 'r2');
  t.ok(partial[0]!.score > 0 && partial[0]!.score < 1, `partial overlap scores in (0, 1): ${partial[0]!.score}`);
  t.same(index.search('the and of with', { limit: 5 }), [], 'stopwords alone find nothing');
  t.same(index.search('quantum chromodynamics', { limit: 5 }), [], 'unknown words find nothing');
  t.same(createAnswerIndex().search('tv sound', { limit: 5 }), [], 'an empty index finds nothing');
});

t.test('keeps the best answer per question, and can leave questions out', async (t) => {
  const index = indexOf();
  const hits = index.search('soundbar pairing reset', { limit: 5 });
  t.equal(hits.filter((h) => h.group === 'q3').length, 1, 'q3 has two answers but is listed once');
  t.equal(hits[0]!.id, 'r4', 'with its better-matching answer (reset)');
  t.notOk(
    index.search('soundbar pairing reset', { limit: 5, excludeGroups: ['q3'] }).some((h) => h.group === 'q3'),
    'the question being answered is left out',
  );
  t.equal(index.search('sound', { limit: 1 }).length, 1, 'limit caps the list');
});

t.test('grows and shrinks one answer at a time', async (t) => {
  const index = indexOf();
  t.equal(index.size, 5);
  t.notOk(index.search('warranty for a dishwasher', { limit: 3 }).length, 'nothing about dishwashers yet');
  index.add({ id: 'r6', group: 'q6', text: 'Is my dishwasher under warranty? Yes, two years from delivery.' });
  t.equal(
    index.search('warranty for a dishwasher', { limit: 3 })[0]?.id,
    'r6',
    'a newly approved answer is found at once',
  );
  index.add({ id: 'r6', group: 'q6', text: 'Fridge warranty: two years.' });
  t.equal(index.size, 6, 're-adding an answer replaces it');
  t.notOk(index.search('dishwasher', { limit: 3 }).length, 'its old text is gone');
  t.ok(index.remove('r6'));
  t.notOk(index.remove('r6'), 'removing twice is a no-op');
  t.notOk(index.has('r6'));
  t.notOk(index.search('fridge warranty', { limit: 3 }).length);
  index.add({ id: 'r7', group: 'q7', text: '!!! ???' });
  t.equal(index.size, 5, 'a text without content terms is not indexed');
});

t.test('after many removals (which reclaim their space) it answers as an index built from the survivors', async (t) => {
  const topics = [
    'tv sound hdmi',
    'laptop return receipt',
    'soundbar pairing remote',
    'order tracking email',
    'router wifi dropping',
  ];
  const docs = Array.from({ length: 3000 }, (_, i) => ({
    id: `d${i}`,
    group: `g${i % 1500}`,
    text: `${topics[i % 5]} case ${i % 37} note ${i % 11}`,
  }));
  const index = indexOf(docs);
  for (let i = 0; i < 3000; i++) if (i % 3 !== 0) index.remove(`d${i}`);
  const survivors = docs.filter((_, i) => i % 3 === 0);
  t.equal(index.size, survivors.length);
  const fresh = indexOf(survivors);
  for (const query of ['hdmi sound case 5', 'wifi router note 3', 'pairing remote case 12 note 7']) {
    t.same(index.search(query, { limit: 5 }), fresh.search(query, { limit: 5 }), query);
  }
  index.add({ id: 'd1', group: 'g1', text: 'dishwasher warranty' });
  t.equal(index.search('dishwasher', { limit: 1 })[0]?.id, 'd1', 'an id removed earlier can be added again');
});

t.test('a rare shared term outweighs a common one (idf)', async (t) => {
  const common = Array.from({ length: 20 }, (_, i) => ({
    id: `c${i}`,
    group: `c${i}`,
    text: `delayed flight number ${i}`,
  }));
  const index = indexOf([
    ...common,
    { id: 'rare', group: 'rare', text: 'flight to Reykjavik' },
    { id: 'other', group: 'other', text: 'delayed flight again' },
  ]);
  t.equal(
    index.search('Reykjavik delayed flight', { limit: 1 })[0]!.id,
    'rare',
    'reykjavik (in 1 answer) beats delayed (in 21)',
  );
});

t.test('on real airline tweets: a tweet finds its own near-duplicates', { skip: airlineTweetsMissing() }, async (t) => {
  const tweets = readAirlineTweets();
  t.ok(tweets.length > 14_000, `read ${tweets.length} tweets`);
  const index = createAnswerIndex();
  const started = Date.now();
  for (const tweet of tweets) index.add({ id: tweet.id, group: tweet.id, text: tweet.text });
  t.comment(`indexed ${index.size} tweets in ${Date.now() - started} ms`);

  // Near-duplicates: tweets sent to several airlines, bots, copy-paste campaigns — the same content words, give or take
  // mentions, links, case, punctuation and stopwords ("on or around" / "around").
  const groups = new Map<string, string[]>();
  for (const tweet of tweets) {
    const terms = [...new Set(contentTerms(tweet.text))].sort();
    if (terms.length < 4) continue;
    const key = terms.join(' ');
    groups.set(key, [...(groups.get(key) ?? []), tweet.id]);
  }
  const duplicates = [...groups.values()].filter((ids) => ids.length > 1);
  t.ok(duplicates.length >= 30, `${duplicates.length} groups of near-duplicate tweets`);
  const byId = new Map(tweets.map((tweet) => [tweet.id, tweet]));
  let found = 0;
  let queries = 0;
  for (const ids of duplicates) {
    for (const id of ids) {
      queries++;
      const best = index.search(byId.get(id)!.text, { limit: 1, excludeGroups: [id] })[0];
      if (best && ids.includes(best.id)) found++;
    }
  }
  t.ok(found / queries >= 0.98, `the best match is a near-duplicate for ${found} of ${queries} tweets`);

  // Paraphrase-like edits: drop the last word, shout, add a plea; the original should still come first.
  const sample = tweets.filter((tweet) => new Set(contentTerms(tweet.text)).size >= 6).filter((_, i) => i % 40 === 0);
  let recovered = 0;
  for (const tweet of sample) {
    const edited = `${tweet.text.split(/\s+/).slice(0, -1).join(' ').toUpperCase()} please help`;
    if (index.search(edited, { limit: 1 })[0]?.id === tweet.id) recovered++;
  }
  t.ok(recovered / sample.length >= 0.9, `an edited tweet finds its original ${recovered} of ${sample.length} times`);
});
