// Search on the question list (GET /api/questions?q=): words, phrases, @handles and ids over the whole thread, combined
// with the list's filters and its visibility rules; hostile input is searched for as text or refused with a 400.
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import t, { type Test } from 'tap';
import type { App } from '../server/app.js';
import { ftsString, matchExpression, parseSearch } from '../server/domain/search-query.js';
import { as, buildTestApp, createUser, seedTags, tempDatabasePath, type Session } from './helpers/app.js';
import { assign, submit } from './helpers/knowledge.js';

type Page = { items: { id: string; status: string }[]; nextCursor: string | null };

let counter = 0;
async function ask(app: App, manager: Session, text: string, handle = 'customer', name?: string) {
  const response = await as(app, manager).post('/api/questions', {
    channel: 'test',
    externalId: `s-${++counter}`,
    text,
    author: { handle, name },
  });
  if (response.statusCode !== 201) throw new Error(`ingest failed: ${response.body}`);
  return response.json().question as { id: string };
}

async function search(app: App, session: Session, q: string, extra = ''): Promise<string[]> {
  const response = await as(app, session).get(`/api/questions?q=${encodeURIComponent(q)}${extra}`);
  if (response.statusCode !== 200) throw new Error(`search failed: ${response.statusCode} ${response.body}`);
  return (response.json() as Page).items.map((q) => q.id);
}

async function desk(t: Test, options = {}) {
  const app = await buildTestApp(t, options);
  await seedTags(app);
  const manager = await createUser(app, 'manager');
  const expert = await createUser(app, 'expert', {
    name: 'Ada Expert',
    profile: { signature: 'Ada', skills: [{ tag: 'tv', level: 3 }] },
  });
  const other = await createUser(app, 'expert', {
    name: 'Bo Other',
    profile: { signature: 'Bo', skills: [{ tag: 'laptops', level: 3 }] },
  });
  const tv = await ask(app, manager, 'My television has no sound over HDMI', 'rob_the_dad262', 'Robert Dad');
  const laptop = await ask(app, manager, 'The laptop screen flickers after the update', 'rob', 'Rob Short');
  const cafe = await ask(app, manager, 'Ordered a café machine, it arrived broken', 'cafe_fan');
  return { app, manager, expert, other, tv, laptop, cafe };
}

t.test('a query is read as terms, and every term reaches FTS5 as a quoted string', async (t) => {
  const table: [string, ReturnType<typeof parseSearch>][] = [
    [
      'printer refund',
      [
        { kind: 'text', text: 'printer', prefix: false },
        { kind: 'text', text: 'refund', prefix: false },
      ],
    ],
    [
      '"no sound" hdmi',
      [
        { kind: 'text', text: 'no sound', prefix: false },
        { kind: 'text', text: 'hdmi', prefix: false },
      ],
    ],
    [
      '@rob_the_dad262, hi',
      [
        { kind: 'handle', handle: 'rob_the_dad262' },
        { kind: 'text', text: 'hi', prefix: false },
      ],
    ],
    ['mi55lzcs0000a1b2c3d4e5', [{ kind: 'text', text: 'mi55lzcs0000a1b2c3d4e5', prefix: false }]],
    ['mi55lzcs0000a1b2c3d4e5f', [{ kind: 'id', id: 'mi55lzcs0000a1b2c3d4e5f' }]],
    [
      'refu* ab*',
      [
        { kind: 'text', text: 'refu', prefix: true },
        { kind: 'text', text: 'ab', prefix: false },
      ],
    ],
    [
      '- * NEAR( OR "',
      [
        { kind: 'text', text: 'NEAR(', prefix: false },
        { kind: 'text', text: 'OR', prefix: false },
      ],
    ],
    ['"unterminated phrase', [{ kind: 'text', text: 'unterminated phrase', prefix: false }]],
    ['Refund refund', [{ kind: 'text', text: 'Refund', prefix: false }]],
    ['@ @_ "" \u0000', []],
  ];
  for (const [q, terms] of table) t.same(parseSearch(q), terms, q);
  t.equal(
    matchExpression(parseSearch('say "no sound" @rob refu*')),
    '"say" "no sound" handle : ^"rob" "refu" *',
    'handles anchored to the start of the handle column',
  );
  t.equal(ftsString('a "b"'), '"a ""b"""', 'a quote inside a string is doubled');
  t.equal(matchExpression(parseSearch('mi55lzcs0000a1b2c3d4e5f')), null, 'an id is not a text match');
});

t.test('words, phrases, handles and ids find their questions', async (t) => {
  const { app, manager, tv, laptop, cafe } = await desk(t);
  t.same(await search(app, manager, 'hdmi'), [tv.id], 'a word');
  t.same(await search(app, manager, 'HDMI sound'), [tv.id], 'words in any order, any case');
  t.same(await search(app, manager, '"no sound"'), [tv.id], 'a phrase');
  t.same(await search(app, manager, '"sound no"'), [], 'a phrase keeps its order');
  t.same(await search(app, manager, 'cafe'), [cafe.id], 'diacritics do not matter');
  t.same(await search(app, manager, 'flick*'), [laptop.id], 'a trailing * matches the start of a word');
  t.same(await search(app, manager, '@rob'), [laptop.id], '@handle is the whole handle, not its first word');
  t.same(await search(app, manager, '@ROB_the_dad262'), [tv.id], 'in any case');
  t.same(await search(app, manager, 'robert'), [tv.id], "the author's name is searched");
  t.same(await search(app, manager, '@rob screen'), [laptop.id], 'a handle with words');
  t.same(await search(app, manager, '@rob hdmi'), [], 'both must hold');
  t.same(await search(app, manager, cafe.id), [cafe.id], 'a question id');
  t.same(await search(app, manager, `${cafe.id} broken`), [cafe.id], 'an id with a word that holds');
  t.same(await search(app, manager, `${cafe.id} hdmi`), [], 'an id with a word that does not');
  t.same(await search(app, manager, 'toaster'), [], 'nothing matches');
});

t.test('replies, notes and follow-ups find their question, including ones written after the question', async (t) => {
  const { app, manager, expert, tv, laptop } = await desk(t);
  t.same(await search(app, manager, 'firmware'), []);
  await assign(app, manager, tv.id, expert.user.id);
  const reply = await submit(app, expert, tv.id, 'Please update the firmware of the soundbar');
  t.same(await search(app, manager, 'firmware'), [tv.id], 'the reply text');
  t.same(await search(app, manager, 'firmware hdmi'), [tv.id], 'words from the reply and from the question');
  t.same(await search(app, manager, reply.id), [tv.id], "a reply's id");

  const note = await as(app, manager).post(`/api/questions/${laptop.id}/notes`, { text: 'Known issue with batch 7Q' });
  t.equal(note.statusCode, 201, note.body);
  t.same(await search(app, manager, '"batch 7q"'), [laptop.id], 'the note text');
  t.same(await search(app, manager, note.json().note.id), [laptop.id], "a note's id");

  const rejected = await as(app, manager).post(`/api/replies/${reply.id}/reject`, { feedback: 'Say which model' });
  t.equal(rejected.statusCode, 200, rejected.body);
  const revised = await as(app, expert).post(`/api/questions/${tv.id}/replies`, { text: 'Which model is it?' });
  t.equal(revised.statusCode, 201, revised.body);
  t.same(await search(app, manager, 'model'), [tv.id], 'a revised reply is indexed too');

  const followUp = await as(app, manager).post('/api/questions', {
    channel: 'test',
    externalId: 'follow-up-1',
    inReplyToExternalId: (await as(app, manager).get(`/api/questions/${tv.id}`)).json().question.externalId,
    text: 'It is the Panasonic one',
    author: { handle: 'rob_the_dad262' },
  });
  t.equal(followUp.json().question.id, tv.id, 'the follow-up joins the thread');
  t.same(await search(app, manager, 'panasonic'), [tv.id], "the customer's follow-up");
  t.same(await search(app, manager, 'panasonic firmware hdmi'), [tv.id], 'and everything before it still');
});

t.test('search narrows the list filters and pages with their cursor', async (t) => {
  const { app, manager, expert, tv, laptop, cafe } = await desk(t);
  await assign(app, manager, tv.id, expert.user.id);
  t.same(await search(app, manager, 'the', ''), [laptop.id, tv.id].sort().reverse(), 'newest first');
  t.same(await search(app, manager, 'the', '&status=claimed'), [tv.id], 'with a status');
  t.same(await search(app, manager, 'the', '&status=new,offered,escalated'), [laptop.id], 'with several statuses');
  t.same(await search(app, manager, 'the', `&assignee=${expert.user.id}`), [tv.id], 'with an assignee');
  t.same(await search(app, manager, 'the', '&assignee=none'), [laptop.id], 'unassigned');
  t.same(await search(app, manager, 'the', '&tag=laptops'), [laptop.id], 'with a tag');
  t.same(await search(app, manager, 'the', '&tag=tv&status=claimed&sort=sla'), [tv.id], 'all of them, by deadline');

  for (let i = 0; i < 5; i++) await ask(app, manager, `Broken remote number ${i}`);
  const seen: string[] = [];
  for (let cursor: string | null = null, pages = 0; pages === 0 || cursor; pages++) {
    const response = await as(app, manager).get(`/api/questions?q=broken&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    const page = response.json() as Page;
    t.ok(page.items.length <= 2);
    seen.push(...page.items.map((q) => q.id));
    cursor = page.nextCursor;
  }
  t.equal(seen.length, 6, 'five remotes and the café machine, each once');
  t.ok(seen.includes(cafe.id));
  t.same(seen, [...seen].sort().reverse(), 'newest first across pages');
});

t.test("an expert finds only what their list shows them: never someone else's question", async (t) => {
  const { app, manager, expert, other, tv, laptop } = await desk(t);
  await assign(app, manager, tv.id, expert.user.id);
  await assign(app, manager, laptop.id, other.user.id);
  t.same(await search(app, expert, 'hdmi'), [tv.id], 'their own');
  t.same(await search(app, expert, 'laptop'), [], "another expert's question by its words");
  t.same(await search(app, expert, '@rob'), [], 'by its handle');
  t.same(await search(app, expert, laptop.id), [], 'by its id');
  t.same(await search(app, other, 'the'), [laptop.id], 'and the other expert sees only theirs');
});

t.test('hostile input is searched as text or refused with a clear 400, never a 500', async (t) => {
  const { app, manager, tv } = await desk(t);
  const hostile = [
    '"',
    '""',
    '*',
    '-',
    '^',
    'OR',
    'AND NOT',
    'NEAR(',
    'NEAR(hdmi sound, 2)',
    'hdmi OR sound',
    'body: hdmi',
    'handle : rob',
    '{body handle}: rob',
    '-hdmi',
    'hdmi*',
    '"hdmi',
    'hdmi"',
    '""hdmi""',
    '@',
    '@@rob',
    '@"rob"',
    "'; drop table questions; --",
    'x\u0000y',
    '\u202e\u200b',
    '%',
    '🙂',
  ];
  for (const q of hostile) {
    const response = await as(app, manager).get(`/api/questions?q=${encodeURIComponent(q)}`);
    t.equal(response.statusCode, 200, `${JSON.stringify(q)}: ${response.body.slice(0, 120)}`);
  }
  t.same(await search(app, manager, 'NEAR(hdmi sound, 2)'), [], 'NEAR is a word, not an operator');
  t.same(await search(app, manager, 'hdmi OR sound'), [], 'OR is a word: all three must appear');
  t.same(await search(app, manager, '-hdmi'), [tv.id], 'a dash does not exclude');
  t.same(await search(app, manager, '"hdmi'), [tv.id], 'an open quote runs to the end');

  const long = await as(app, manager).get(`/api/questions?q=${'a'.repeat(10_000)}`);
  t.equal(long.statusCode, 400);
  t.equal(long.json().error.code, 'invalid_request');
  t.match(long.json().error.message, /^q: /, 'the message names the parameter');

  const many = await as(app, manager).get(`/api/questions?q=${encodeURIComponent('a b c d e f g h i j k')}`);
  t.equal(many.statusCode, 400);
  t.match(many.json().error.message, /at most 10/);
});

t.test('questions stored before search existed are indexed by the migration', async (t) => {
  const databasePath = tempDatabasePath(t);
  const first = await buildTestApp(t, { databasePath });
  await seedTags(first);
  const manager = await createUser(first, 'manager');
  const expert = await createUser(first, 'expert', { profile: { signature: 'E', skills: [{ tag: 'tv', level: 2 }] } });
  const old = await ask(first, manager, 'Soundbar pairing fails', 'early_bird');
  await assign(first, manager, old.id, expert.user.id);
  await submit(first, expert, old.id, 'Hold the bluetooth button for five seconds');
  await first.close();

  // Back to the state before 0011: no index, no triggers, the migration not yet recorded — nor any after it, whose
  // added columns are dropped again (drizzle applies what is newer than the last recorded migration).
  const sqlite = new Database(databasePath);
  const objects = sqlite
    .prepare("select type, name from sqlite_master where name like 'search%' and type in ('trigger', 'view', 'table')")
    .all() as { type: string; name: string }[];
  for (const o of objects.filter((o) => o.type !== 'table')) sqlite.exec(`drop ${o.type} ${o.name}`);
  sqlite.exec('drop table search_index; drop table search_docs');
  const migrations = new URL('../db/migrations/', import.meta.url);
  const journal = JSON.parse(readFileSync(new URL('meta/_journal.json', migrations), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  const searchMigration = journal.entries.find((e) => e.tag === '0011_search');
  if (!searchMigration) throw new Error('no 0011_search in the migration journal');
  for (const later of journal.entries.filter((e) => e.when > searchMigration.when)) {
    const statements = readFileSync(new URL(`${later.tag}.sql`, migrations), 'utf8')
      .split('--> statement-breakpoint')
      .map((x) => x.trim())
      .filter(Boolean);
    for (const statement of statements) {
      const added = /^ALTER TABLE `(\w+)` ADD `(\w+)`/.exec(statement);
      if (!added) throw new Error(`undo ${later.tag} here before re-running 0011: ${statement.slice(0, 60)}`);
      sqlite.exec(`alter table ${added[1]} drop column ${added[2]}`);
    }
  }
  sqlite.prepare('delete from __drizzle_migrations where created_at >= ?').run(searchMigration.when);
  sqlite.close();

  const second = await buildTestApp(t, { databasePath });
  const again = await createUser(second, 'manager');
  t.same(await search(second, again, 'soundbar'), [old.id], 'the question text');
  t.same(await search(second, again, 'bluetooth'), [old.id], 'its reply');
  t.same(await search(second, again, '@early_bird'), [old.id], 'its handle');
  const fresh = await ask(second, again, 'Soundbar remote lost');
  t.same(await search(second, again, 'soundbar'), [fresh.id, old.id], 'and new ones after it');
});
