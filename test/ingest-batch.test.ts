// Group commit: questions that arrive together are stored in one transaction, yet each one succeeds or fails alone,
// and each caller hears about its own question only.
import t, { type Test } from 'tap';
import type { IngestQuestion } from '../server/contracts/api.js';
import { buildTestApp, createUser, seedTags } from './helpers/app.js';

const question = (externalId: string, text = 'my tv soundbar has no sound over hdmi'): IngestQuestion => ({
  channel: 'api',
  externalId,
  text,
  author: { handle: 'cust' },
});

t.test('a batch stores each question once, fails a bad one alone, and offers the rest', async (t) => {
  const app = await buildTestApp(t, { routing: { k: 2 } });
  await seedTags(app);
  const { ingest, router } = app.services;
  for (let i = 0; i < 3; i++) {
    const expert = await createUser(app, 'expert', { profile: { skills: [{ tag: 'tv', level: 4 }] } });
    router.setOnline(expert.user.id, true); // as if their web client were connected
  }
  const commits = countCommits(t, app);
  // The second question fails late, after its row, tags, event and first offer are written: the savepoint must undo them.
  const noteOffered = router.noteOffered.bind(router);
  let offersNoted = 0;
  router.noteOffered = (expertId, at) => {
    if (++offersNoted === 3) throw new Error('routing state unavailable');
    noteOffered(expertId, at);
  };

  // Submitted in the same turn of the event loop, so they share one commit.
  const results = await Promise.allSettled([
    ingest.submit(question('b-1')),
    ingest.submit(question('b-2', 'my tv remote does not pair')),
    ingest.submit(question('b-3', 'my tv shows no picture over hdmi')),
    ingest.submit(question('b-1')),
  ]);
  t.equal(commits(), 1, 'four submissions, one commit');

  const [first, bad, third, again] = results;
  t.equal(first.status, 'fulfilled');
  t.equal(bad.status, 'rejected', 'the question that failed half-way is refused');
  t.match(bad.status === 'rejected' ? String(bad.reason) : '', /routing state unavailable/);
  t.equal(third.status, 'fulfilled');
  t.equal(again.status, 'fulfilled');
  if (first.status !== 'fulfilled' || third.status !== 'fulfilled' || again.status !== 'fulfilled') return;
  t.equal(first.value.duplicate, false);
  t.equal(first.value.question.status, 'offered', 'the outcome shows the question after its first wave');
  t.same(
    first.value.question.tags.map((tag) => tag.slug),
    ['tv'],
  );
  t.same(
    first.value.question,
    await app.services.presenters.summaryById(first.value.question.id),
    'the summary built from what was written equals the stored question read back',
  );
  t.equal(again.value.duplicate, true, 'the same post twice in one batch is one question');
  t.equal(again.value.question.id, first.value.question.id);

  const sqlite = app.services.db.$client;
  t.same(
    sqlite.prepare('select external_id from questions order by external_id').pluck().all(),
    ['b-1', 'b-3'],
    'nothing of the failed question was kept',
  );
  const offers = sqlite.prepare('select count(*) from offers where question_id = ?').pluck();
  t.equal(offers.get(first.value.question.id), 2, 'the first question went to two experts');
  t.equal(sqlite.prepare("select count(*) from events where type = 'question.created'").pluck().get(), 2);
  t.equal(sqlite.prepare('select count(*) from offers').pluck().get(), 4, 'no offer of the failed question was kept');
  t.equal(sqlite.prepare('select count(*) from question_tags').pluck().get(), 2);
});

t.test('a lone question is committed on the next turn and answered over HTTP as before', async (t) => {
  const app = await buildTestApp(t);
  const manager = await createUser(app, 'manager');
  const post = (externalId: string) =>
    app.inject({
      method: 'POST',
      url: '/api/questions',
      headers: { cookie: manager.cookie, 'x-csrf-token': manager.csrfToken },
      payload: question(externalId),
    });
  const created = await post('lone-1');
  t.equal(created.statusCode, 201);
  t.equal(created.json().question.externalId, 'lone-1');
  const repeated = await post('lone-1');
  t.equal(repeated.statusCode, 200, 'a repeat is recognised as the same question');
  t.equal(repeated.json().question.id, created.json().question.id);
});

/** Counts the top-level transactions (commits) the app runs from now on; nested ones are savepoints. */
/** Counts COMMITs on the app's connection, however the transaction was started (drizzle or better-sqlite3's own). */
function countCommits(t: Test, app: Awaited<ReturnType<typeof buildTestApp>>) {
  const sqlite = app.services.db.$client;
  const statement = Object.getPrototypeOf(sqlite.prepare('select 1')) as {
    run(this: { source: string; database: unknown }, ...args: unknown[]): unknown;
  };
  const run = statement.run;
  let commits = 0;
  statement.run = function counted(...args) {
    if (this.source === 'COMMIT' && this.database === sqlite) commits++;
    return run.apply(this, args);
  };
  t.teardown(() => {
    statement.run = run;
  });
  return () => commits;
}
