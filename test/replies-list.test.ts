// An expert's own replies, newest first (the Answers page; `GET /api/replies?author=me`, with or without a status):
// the query must read them off an index in order and stop at the limit. Sorting them instead costs as much as the
// expert has replies: 140-165 ms a request for one with 42,000 in the bench's 1M history.
import t from 'tap';
import { as, buildTestApp, createUser } from './helpers/app.js';

t.test("an expert's replies are listed from an index in order, not sorted", async (t) => {
  const app = await buildTestApp(t);
  const expert = await createUser(app, 'expert');
  const { storage } = app.services;

  /** The statements a request ran that list replies in order, with the values they were run with. */
  const listingsOf = async (url: string) => {
    const seen: { text: string; values: unknown[] }[] = [];
    const restore =
      storage.engine === 'sqlite'
        ? intercept(storage.db.$client, 'prepare', (source: string) => seen.push({ text: source, values: [] }))
        : intercept(
            storage.db.$client,
            'query',
            (config: string | { text: string; values?: unknown[] }, values?: unknown[]) =>
              seen.push(
                typeof config === 'string'
                  ? { text: config, values: values ?? [] }
                  : { text: config.text, values: config.values ?? values ?? [] },
              ),
          );
    try {
      const response = await as(app, expert).get(url);
      t.equal(response.statusCode, 200, url);
    } finally {
      restore();
    }
    const listing = seen.filter(({ text }) => /from "replies"/.test(text) && /order by/i.test(text));
    t.equal(listing.length, 1, `${url}: one listing query`);
    return listing[0]!;
  };

  /** The plan of a statement: SQLite's as it is; PostgreSQL's with sequential scans priced out, since on a table this
   * small a scan and a sort is its honest choice, and the question is whether an index can give the order at all. */
  const planOf = async ({ text, values }: { text: string; values: unknown[] }) => {
    if (storage.engine === 'sqlite') {
      const params = Array.from(text.match(/\?/g) ?? [], () => 'x');
      return (storage.db.$client.prepare(`explain query plan ${text}`).all(...params) as { detail: string }[])
        .map((row) => row.detail)
        .join(' | ');
    }
    const client = await storage.db.$client.connect();
    try {
      await client.query('set enable_seqscan = off');
      const rows = (await client.query({ text: `explain ${text}`, values })).rows as { 'QUERY PLAN': string }[];
      return rows.map((row) => row['QUERY PLAN'].trim()).join(' | ');
    } finally {
      await client.query('reset enable_seqscan');
      client.release();
    }
  };

  for (const url of [
    '/api/replies?author=me&limit=200',
    '/api/replies?author=me&status=posted&limit=50',
    '/api/replies?author=me&status=in_review',
  ]) {
    const plan = await planOf(await listingsOf(url));
    if (storage.engine === 'sqlite') {
      t.match(plan, /USING (COVERING )?INDEX replies_author/, `${url}: ${plan}`);
      t.notMatch(plan, /TEMP B-TREE/, "no sort of all the expert's replies");
    } else {
      t.match(plan, /Index (Only )?Scan( Backward)? using replies_author/, `${url}: ${plan}`);
      t.notMatch(plan, /(^|\| )(Incremental )?Sort/, "no sort of all the expert's replies");
    }
  }
});

/** Replaces `object[method]` with a spy that sees each call's arguments; returns what puts it back. */
function intercept<O extends object, K extends keyof O>(object: O, method: K, see: (...args: never[]) => void) {
  const original = object[method] as (...args: unknown[]) => unknown;
  object[method] = ((...args: unknown[]) => {
    see(...(args as never[]));
    return original.apply(object, args);
  }) as O[K];
  return () => {
    object[method] = original as O[K];
  };
}
