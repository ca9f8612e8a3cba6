// An expert's own replies, newest first (the Answers page; `GET /api/replies?author=me`, with or without a status):
// the query must read them off an index in order and stop at the limit. Sorting them instead costs as much as the
// expert has replies: 140-165 ms a request for one with 42,000 in the bench's 1M history.
import t from 'tap';
import { as, buildTestApp, createUser } from './helpers/app.js';
import { testEngine } from './helpers/postgres.js';

t.test(
  "an expert's replies are listed from an index in order, not sorted",
  { skip: testEngine() === 'postgres' ? "SQLite only: it reads SQLite's query plans" : false },
  async (t) => {
    const app = await buildTestApp(t);
    const expert = await createUser(app, 'expert');
    const sqlite = app.services.db.$client;

    /** The plan of every query the request ran against the replies table. */
    const plansOf = async (url: string) => {
      const seen: string[] = [];
      const prepare = sqlite.prepare;
      sqlite.prepare = ((source: string) => {
        seen.push(source);
        return prepare.call(sqlite, source);
      }) as typeof sqlite.prepare;
      try {
        const response = await as(app, expert).get(url);
        t.equal(response.statusCode, 200, url);
      } finally {
        sqlite.prepare = prepare;
      }
      const listing = seen.filter((source) => /from "replies"/.test(source) && /order by/i.test(source));
      t.equal(listing.length, 1, `${url}: one listing query`);
      return listing.map((source) => {
        const params = Array.from(source.match(/\?/g) ?? [], () => 'x');
        return (sqlite.prepare(`explain query plan ${source}`).all(...params) as { detail: string }[])
          .map((row) => row.detail)
          .join(' | ');
      })[0]!;
    };

    for (const url of [
      '/api/replies?author=me&limit=200',
      '/api/replies?author=me&status=posted&limit=50',
      '/api/replies?author=me&status=in_review',
    ]) {
      const plan = await plansOf(url);
      t.match(plan, /USING (COVERING )?INDEX replies_author/, `${url}: ${plan}`);
      t.notMatch(plan, /TEMP B-TREE/, "no sort of all the expert's replies");
    }
  },
);
