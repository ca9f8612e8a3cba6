// The lifecycle's one home: the table says which status each action leads to and from where, the repository's
// guarded transition is the only writer of a question's status, and a unit of work announces only what committed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { QuestionStatusSchema } from '../server/contracts/api.js';
import { LIFECYCLE, transitions } from '../server/domain/lifecycle.js';
import type { DomainEvent } from '../server/events/domain-events.js';
import { buildTestApp } from './helpers/app.js';
import { testEngine } from './helpers/postgres.js';

const statuses = QuestionStatusSchema.options as readonly string[];

t.test('the table names real statuses, and nothing leaves a dismissed question', async (t) => {
  for (const { action, from, to } of transitions()) {
    t.ok(statuses.includes(from), `${action}: ${from} is a status`);
    t.ok(statuses.includes(to), `${action}: ${to} is a status`);
  }
  t.notOk(
    transitions().some((row) => row.from === 'dismissed'),
    'dismissed is final',
  );
  t.same(LIFECYCLE.claim, { from: ['new', 'offered', 'escalated'], to: 'claimed' });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

t.test('only the question repository writes a question status', async (t) => {
  const writers: string[] = [];
  for (const file of sourceFiles('server')) {
    if (file.startsWith(join('server', 'repositories'))) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/update\(questions\)([\s\S]{0,400}?)\.(?:run|get|all|returning|prepare)\(/g)) {
      if (/\bstatus\s*:/.test(match[1] ?? '')) writers.push(file);
    }
    if (/update questions set[^;]*\bstatus\s*=/i.test(text)) writers.push(file);
  }
  t.same(writers, [], 'no status written outside server/repositories');
});

t.test('SQL lives in the repositories', async (t) => {
  // The analytics thread opens its own read-only connection and reads through repositories; app.ts and storage.ts
  // open and close the database; the composition root builds the repositories from it. The cluster's plumbing owns
  // its PostgreSQL-only tables (messages between nodes, request counts), which no use case reads.
  const owners = [
    'server/app.ts',
    'server/storage.ts',
    'server/plugins/services.ts',
    'server/events/unit-of-work.ts',
    'server/cluster/relay.ts',
    'server/cluster/rate-limit-store.ts',
  ].map((f) => join(...f.split('/')));
  const offenders: string[] = [];
  for (const file of sourceFiles('server')) {
    if (file.startsWith(join('server', 'repositories')) || owners.includes(file)) continue;
    const text = readFileSync(file, 'utf8');
    const sql =
      /from 'drizzle-orm(?:\/[\w-]+)?'/.test(text) && !/^import type .* from 'drizzle-orm/m.test(text)
        ? 'imports drizzle-orm'
        : /\$client\b|\bdb\.(?:select|insert|update|delete|transaction|run|all|get)\(/.test(text)
          ? 'runs SQL'
          : null;
    if (sql && !file.endsWith('analytics-worker.ts')) offenders.push(`${file}: ${sql}`);
  }
  t.same(offenders, [], 'no service, listener, route or channel runs SQL of its own');
});

async function withQuestion(t: Test) {
  const app = await buildTestApp(t);
  const { question } = await app.services.ingest.ingest({
    channel: 'api',
    externalId: 'lifecycle-1',
    text: 'my tv has no sound',
    author: { handle: 'customer' },
  });
  return { app, id: question.id };
}

t.test('a transition the table does not allow changes nothing', async (t) => {
  const { app, id } = await withQuestion(t);
  const { data, uow } = app.services;
  const before = await data.questions.byId(id);
  t.ok(before && ['new', 'offered'].includes(before.status), 'a new question is waiting');
  await uow.run(async ({ questions }) => {
    t.equal(
      await questions.transitionOne('release', id, { updatedAt: 1 }),
      undefined,
      'it cannot be released: nobody holds it',
    );
    t.equal(await questions.transitionOne('posted', id, { updatedAt: 1 }), undefined, 'nor marked answered');
  });
  t.same(await data.questions.byId(id), before, 'the row is untouched');
  await uow.run(async ({ questions }) => {
    const dismissed = await questions.transitionOne('dismiss', id, { updatedAt: 2, dismissReason: 'spam' });
    t.equal(dismissed?.status, 'dismissed', 'an allowed transition takes the target from the table');
    t.equal(
      await questions.transitionOne('dismiss', id, { updatedAt: 3 }),
      undefined,
      'and the same action twice does nothing',
    );
  });
});

t.test('services see only the read side of a repository', async (t) => {
  const { app } = await withQuestion(t);
  const questions = app.services.data.questions as Record<string, unknown>;
  t.type(questions.byId, 'function', 'reads are there');
  t.equal(questions.transitionOne, undefined, 'writes are reachable only inside a unit of work');
  t.equal(questions.touch, undefined);
});

t.test('a unit of work publishes its events after commit, and nothing when it rolls back', async (t) => {
  const { app, id } = await withQuestion(t);
  const { uow, events, data } = app.services;
  const seen: DomainEvent['type'][] = [];
  events.subscribe((event) => {
    seen.push(event.type);
  });
  const row = await data.questions.byId(id);
  if (!row) throw new Error('no question');

  await t.rejects(
    uow.run(async (unit) => {
      unit.emit('question.updated', { question: { row }, informed: [] });
      await unit.questions.touch(id, { updatedAt: 42 });
      throw new Error('half-way');
    }),
    /half-way/,
  );
  t.same(seen, [], 'a rolled-back unit announces nothing');
  t.not((await data.questions.byId(id))?.updatedAt, 42, 'and wrote nothing');

  await uow.run(async (unit) => {
    unit.emit('question.updated', { question: { row }, informed: [] });
    t.same(seen, [], 'nothing is heard before commit');
    await t.rejects(
      unit.step(async (inner) => {
        inner.emit('question.retagged', { question: { row }, text: row.text, tags: [] });
        await inner.questions.touch(id, { updatedAt: 43 });
        throw new Error('inner step fails');
      }),
      /inner step fails/,
    );
    await unit.questions.touch(id, { updatedAt: 44 });
  });
  t.same(seen, ['question.updated'], "the failed savepoint's event is dropped, the outer unit's published");
  t.equal((await data.questions.byId(id))?.updatedAt, 44, "the outer unit's write committed, the savepoint's did not");
});

t.test(
  'units run one at a time: one that waits holds the others back, and its rollback takes only its own writes',
  {
    skip:
      testEngine() === 'postgres'
        ? 'SQLite only: its units run one after another on one connection; PostgreSQL units run at once, each in its own transaction'
        : false,
  },
  async (t) => {
    const { app, id } = await withQuestion(t);
    const { uow, data } = app.services;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const order: string[] = [];
    const first = uow.run(async (unit) => {
      order.push('first starts');
      await unit.questions.touch(id, { updatedAt: 100 });
      await gate;
      order.push('first fails');
      throw new Error('first fails');
    });
    const second = uow.run(async (unit) => {
      order.push('second starts');
      await unit.questions.touch(id, { updatedAt: 200 });
    });
    // Let both units get as far as they can: the second must not start while the first is open.
    await new Promise((resolve) => setImmediate(resolve));
    t.same(order, ['first starts'], 'the second unit waits for the first');
    release();
    await t.rejects(first, /first fails/);
    await second;
    t.same(order, ['first starts', 'first fails', 'second starts']);
    t.equal(
      (await data.questions.byId(id))?.updatedAt,
      200,
      "the first unit's rollback did not take the second's write",
    );
  },
);

t.test('two claims at once: one wins, the other hears 409, and the question has one owner', async (t) => {
  const { app, id } = await withQuestion(t);
  const { auth, questions, experts } = app.services;
  const users = await Promise.all(
    ['ana', 'ben'].map(async (name) => {
      const user = await auth.createUser({
        email: `${name}@test.helpforce`,
        name,
        password: 'password-123',
        role: 'expert',
      });
      await experts.ensureProfile(user.id, name);
      return user;
    }),
  );
  await Promise.all(users.map((user) => experts.updateProfile(user.id, { availability: 'available' })));
  const outcomes = await Promise.allSettled(users.map((user) => questions.claim(user, id)));
  const won = outcomes.filter((o) => o.status === 'fulfilled');
  const lost = outcomes.filter((o) => o.status === 'rejected');
  t.equal(won.length, 1, 'exactly one claim wins');
  t.equal(lost.length, 1, 'the other is refused');
  t.match((lost[0] as PromiseRejectedResult).reason, { status: 409, code: 'already_claimed' });
  const row = await app.services.data.questions.byId(id);
  t.ok(row && users.some((u) => u.id === row.assigneeId), 'the winner holds it');
});

t.test("docs/architecture.md's lifecycle table is the one in domain/lifecycle.ts", async (t) => {
  const doc = readFileSync('docs/architecture.md', 'utf8');
  const table = doc.slice(doc.indexOf('| action | from | to |'));
  const rows = table
    .split('\n')
    .slice(2)
    .filter((line, i, all) => line.startsWith('|') && all.slice(0, i).every((l) => l.startsWith('|')));
  const documented = Object.fromEntries(
    rows.map((line) => {
      const [action = '', from = '', to = ''] = line
        .split('|')
        .slice(1, 4)
        .map((cell) => cell.trim());
      return [action.split(' ')[0], { from: from.split(', '), to }];
    }),
  );
  t.same(documented, JSON.parse(JSON.stringify(LIFECYCLE)));
});

t.test(
  'a step started after SQLite rolled back the enclosing transaction fails instead of committing alone',
  {
    skip:
      testEngine() === 'postgres' ? 'SQLite only: it sends ROLLBACK on the SQLite connection under the unit' : false,
  },
  async (t) => {
    const { app, id } = await withQuestion(t);
    const { uow, data } = app.services;
    await t.rejects(
      uow.run(async (unit) => {
        app.services.db.$client.exec('ROLLBACK');
        await unit.step((step) => step.questions.touch(id, { updatedAt: 77 }));
      }),
    );
    t.not((await data.questions.byId(id))?.updatedAt, 77, 'nothing was written');
  },
);

t.test('a new question is logged created, then offered (written together, in that order)', async (t) => {
  const { app, id } = await withQuestion(t);
  const log = await app.services.data.auditLog.ofQuestion(id);
  t.same(
    log.slice(0, 2).map((entry) => entry.type),
    ['question.created', 'question.offered'],
  );
  t.ok((log[0]?.id ?? 0) < (log[1]?.id ?? 0), 'in id order');
});
