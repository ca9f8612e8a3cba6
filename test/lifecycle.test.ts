// The lifecycle's one home: the table says which status each action leads to and from where, the repository's
// guarded transition is the only writer of a question's status, and a unit of work announces only what committed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { QuestionStatusSchema } from '../server/contracts/api.js';
import { LIFECYCLE, transitions } from '../server/domain/lifecycle.js';
import type { DomainEvent } from '../server/events/domain-events.js';
import { buildTestApp } from './helpers/app.js';

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

async function withQuestion(t: Test) {
  const app = await buildTestApp(t);
  const { question } = app.services.ingest.ingest({
    channel: 'api',
    externalId: 'lifecycle-1',
    text: 'my tv has no sound',
    author: { handle: 'customer' },
  });
  return { app, id: question.id };
}

t.test('a transition the table does not allow changes nothing', async (t) => {
  const { app, id } = await withQuestion(t);
  const repo = app.services.questionRepo;
  const before = repo.byId(id);
  t.ok(before && ['new', 'offered'].includes(before.status), 'a new question is waiting');
  t.equal(repo.transitionOne('release', id, { updatedAt: 1 }), undefined, 'it cannot be released: nobody holds it');
  t.equal(repo.transitionOne('posted', id, { updatedAt: 1 }), undefined, 'nor marked answered');
  t.same(repo.byId(id), before, 'the row is untouched');
  const dismissed = repo.transitionOne('dismiss', id, { updatedAt: 2, dismissReason: 'spam' });
  t.equal(dismissed?.status, 'dismissed', 'an allowed transition takes the target from the table');
  t.equal(repo.transitionOne('dismiss', id, { updatedAt: 3 }), undefined, 'and the same action twice does nothing');
});

t.test('a unit of work publishes its events after commit, and nothing when it rolls back', async (t) => {
  const { app, id } = await withQuestion(t);
  const { uow, events, questionRepo } = app.services;
  const seen: DomainEvent['type'][] = [];
  events.subscribe((event) => seen.push(event.type));
  const row = questionRepo.byId(id);
  if (!row) throw new Error('no question');

  t.throws(() =>
    uow.run((emit) => {
      emit('question.updated', { question: { row }, informed: [] });
      questionRepo.touch(id, { updatedAt: 42 });
      throw new Error('half-way');
    }),
  );
  t.same(seen, [], 'a rolled-back unit announces nothing');
  t.not(questionRepo.byId(id)?.updatedAt, 42, 'and wrote nothing');

  uow.run((emit) => {
    emit('question.updated', { question: { row }, informed: [] });
    t.same(seen, [], 'nothing is heard before commit');
    const inner = () =>
      uow.run((innerEmit) => {
        innerEmit('question.retagged', { question: { row }, text: row.text, tags: [] });
        questionRepo.touch(id, { updatedAt: 43 });
        throw new Error('inner step fails');
      });
    t.throws(inner, /inner step fails/);
    questionRepo.touch(id, { updatedAt: 44 });
  });
  t.same(seen, ['question.updated'], "the failed savepoint's event is dropped, the outer unit's published");
  t.equal(questionRepo.byId(id)?.updatedAt, 44, "the outer unit's write committed, the savepoint's did not");
  t.throws(() => uow.emit('question.updated', { question: { row }, informed: [] }), /outside a unit of work/);
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
  async (t) => {
    const { app, id } = await withQuestion(t);
    const { uow, questionRepo } = app.services;
    t.throws(() =>
      uow.run(() => {
        app.services.db.$client.exec('ROLLBACK');
        uow.run(() => questionRepo.touch(id, { updatedAt: 77 }));
      }),
    );
    t.not(questionRepo.byId(id)?.updatedAt, 77, 'nothing was written');
  },
);
