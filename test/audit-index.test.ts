// The audit log is written by every state change (two events per ingested question) and read by type in one place:
// recognition's thank-yous. Only those are indexed by time, and the query must still find them through that index
// rather than scan the whole log, and find each one's author among the question's replies.
import t from 'tap';
import { createRecognitionRepository } from '../server/repositories/recognition.js';
import { createSentimentRepository } from '../server/repositories/sentiment.js';
import type { Db } from '../db/client.js';
import { buildTestApp, createUser, seedTags, as } from './helpers/app.js';

/** The SQL a repository prepares when it is created, as it prepares it. */
function preparedBy(db: Db, create: (db: Db) => unknown): string[] {
  const sqlite = db.$client;
  const seen: string[] = [];
  const prepare = sqlite.prepare;
  sqlite.prepare = ((source: string) => {
    seen.push(source);
    return prepare.call(sqlite, source);
  }) as typeof sqlite.prepare;
  try {
    create(db);
  } finally {
    sqlite.prepare = prepare;
  }
  return seen;
}

t.test('thank-yous are read through their own partial index; other events stay out of it', async (t) => {
  const app = await buildTestApp(t);
  await seedTags(app);
  const manager = await createUser(app, 'manager');
  const sqlite = app.services.db.$client;
  for (let i = 0; i < 5; i++) {
    const created = await as(app, manager).post('/api/questions', {
      channel: 'api',
      externalId: `a-${i}`,
      text: 'my tv has no sound',
      author: { handle: 'c' },
    });
    t.equal(created.statusCode, 201);
  }
  const thanks = await as(app, manager).post('/api/questions', {
    channel: 'api',
    externalId: 'a-thanks',
    text: 'thank you!',
    author: { handle: 'c' },
    inReplyToExternalId: 'a-0',
  });
  t.equal(thanks.statusCode, 201, 'the thank-you joins the first question');

  const byType = Object.fromEntries(
    (sqlite.prepare('select type, count(*) n from events group by type').all() as { type: string; n: number }[]).map(
      (r) => [r.type, r.n],
    ),
  );
  t.ok(
    byType['question.created'] === 5 && byType['question.offered'] >= 5 && byType['question.thanked'] === 1,
    JSON.stringify(byType),
  );
  const indexed = sqlite
    .prepare("select count(*) n from events indexed by events_thanked_at where type = 'question.thanked' and at >= 0")
    .get() as { n: number };
  t.equal(indexed.n, 1, 'the index holds the thank-you');

  // Recognition's own query, captured as it is prepared.
  const seen = preparedBy(app.services.db, createRecognitionRepository);
  const source = seen.find((s) => /from events e where e\.type = 'question\.thanked'/.test(s));
  t.ok(source, 'recognition reads the thank-yous by type and time');
  const plan = (sqlite.prepare(`explain query plan ${source}`).all(0, Date.now()) as { detail: string }[])
    .map((r) => r.detail)
    .join(' | ');
  t.match(plan, /SEARCH e USING INDEX events_thanked_at \(at>\? AND at<\?\)/, plan);
  t.match(
    plan,
    /SEARCH r USING INDEX replies_question \(question_id=\?\)/,
    "and each one's author among its question's replies, not all posted ones",
  );
});

t.test("the sentiment shift reads the range's questions and each one's replies, not every posted reply", async (t) => {
  const app = await buildTestApp(t);
  const sqlite = app.services.db.$client;
  const seen = preparedBy(app.services.db, createSentimentRepository);
  const source = seen.find((s) => /first posted answer|order by posted_at, id limit 1/.test(s));
  t.ok(source, 'the answered threads are read with their first posted answer');
  const plan = (sqlite.prepare(`explain query plan ${source}`).all(0, Date.now()) as { detail: string }[])
    .map((r) => r.detail)
    .join(' | ');
  t.match(plan, /SEARCH q USING (?:COVERING )?INDEX questions_received/, plan);
  t.match(plan, /SEARCH replies USING INDEX replies_question \(question_id=\?\)/, plan);
  t.notMatch(plan, /replies_status/, 'never through every posted reply (minutes at a million questions)');
});
