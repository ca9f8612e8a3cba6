// A new question is written with its tags, its first wave's offers and its log entries together (one statement on
// PostgreSQL: server/repositories/pg/intake.ts). On both engines: what is stored is what was sent, the log keeps its
// order, text that needs escaping survives the arrays it travels in, and a row that cannot be written stores nothing.
import t, { type Test } from 'tap';
import type { App } from '../server/app.js';
import type { NewQuestionRows } from '../server/repositories/intake.js';
import type { NewQuestion } from '../server/repositories/questions.js';
import { buildTestApp, createUser, seedTags } from './helpers/app.js';
import { freshPostgresDatabase } from './helpers/postgres.js';

const engines = {
  sqlite: (t: Test) => buildTestApp(t),
  postgres: async (t: Test) => buildTestApp(t, { databaseUrl: await freshPostgresDatabase(t) }),
};

function newQuestion(id: string, at: number): NewQuestion {
  return {
    id,
    channel: 'api',
    externalId: `intake-${id}`,
    text: 'my tv says "no signal" \\ and the soundbar {is} silent, 😕',
    authorHandle: 'casey',
    authorName: 'Casey "C" O\'Neil',
    authorExternalId: null,
    lang: 'en',
    conversationId: null,
    inReplyToExternalId: null,
    priority: 1,
    sentimentLabel: 'negative',
    sentimentScore: -0.4375,
    status: 'offered',
    wave: 1,
    flag: null,
    createdAt: at - 1000,
    receivedAt: at,
    slaDueAt: at + 3_600_000,
    updatedAt: at,
  };
}

function offerTo(id: string, expertId: string, at: number): NewQuestionRows['offers'][number] {
  return { id, expertId, wave: 1, score: 1, reasons: {}, state: 'open', createdAt: at, expiresAt: at + 1 };
}

async function twoExperts(app: App) {
  await seedTags(app);
  const a = await createUser(app, 'expert', { profile: { skills: [{ tag: 'tv', level: 5 }] } });
  const b = await createUser(app, 'expert', { profile: { skills: [{ tag: 'tv', level: 3 }] } });
  return [a.user.id as string, b.user.id as string];
}

for (const [engine, build] of Object.entries(engines)) {
  t.test(`${engine}: a question, its tags, offers and log entries, stored as sent`, async (t) => {
    const app = await build(t);
    const [first, second] = await twoExperts(app);
    const { uow, data } = app.services;
    const at = Date.now();
    const rows: NewQuestionRows = {
      tags: [
        { slug: 'tv', confidence: 0.875, source: 'rules' },
        { slug: 'laptops', confidence: 0.3125, source: 'model' },
      ],
      offers: [
        {
          id: 'offer-1',
          expertId: first!,
          wave: 1,
          score: 2.5,
          reasons: { tag: 1.25, 'words "quoted"': 0.5 },
          state: 'open',
          createdAt: at,
          expiresAt: at + 60_000,
        },
        {
          id: 'offer-2',
          expertId: second!,
          wave: 1,
          score: 1.75,
          reasons: {},
          state: 'open',
          createdAt: at,
          expiresAt: at + 60_000,
        },
      ],
      log: [
        { type: 'question.created', at, data: { text: 'a "quote", a \\ backslash, {braces}, NULL, 🎉' } },
        { type: 'question.offered', at, data: { experts: [first, second] }, actorId: null },
        { type: 'question.note', at: at + 1, data: {} },
      ],
    };
    const stored = await uow.run((unit) => unit.intake.insert(newQuestion('q-intake-1', at), rows));

    t.same(await data.questions.byId('q-intake-1'), stored, 'the row returned is the row as stored');
    t.same(
      (await data.questionTags.of('q-intake-1')).map((tag) => ({ ...tag })),
      rows.tags,
      'both tags, most confident first',
    );
    const offers = (await data.offers.ofQuestion('q-intake-1')).sort((x, y) => (x.id < y.id ? -1 : 1));
    t.same(
      offers.map(({ id, questionId, expertId, wave, score, reasons, state, createdAt, expiresAt }) => ({
        id,
        questionId,
        expertId,
        wave,
        score,
        reasons,
        state,
        createdAt,
        expiresAt,
      })),
      rows.offers.map((offer) => ({ ...offer, questionId: 'q-intake-1' })),
      'both offers, reasons intact',
    );
    const log = await data.auditLog.ofQuestion('q-intake-1');
    t.same(
      log.map((entry) => ({ type: entry.type, at: entry.at, data: entry.data })),
      rows.log.map((entry) => ({ type: entry.type, at: entry.at, data: entry.data })),
      'the log entries, in the order given, their data intact',
    );
  });

  t.test(`${engine}: a question held for review: no tags, no offers, its log only`, async (t) => {
    const app = await build(t);
    const { uow, data } = app.services;
    const at = Date.now();
    await uow.run((unit) =>
      unit.intake.insert(
        { ...newQuestion('q-intake-2', at), status: 'new', wave: 0, flag: 'spam' },
        { tags: [], offers: [], log: [{ type: 'question.held', at, data: { reasons: ['links'] } }] },
      ),
    );
    t.equal((await data.questions.byId('q-intake-2'))?.flag, 'spam');
    t.same(await data.questionTags.of('q-intake-2'), []);
    t.same(await data.offers.ofQuestion('q-intake-2'), []);
    t.same(
      (await data.auditLog.ofQuestion('q-intake-2')).map((e) => e.type),
      ['question.held'],
    );
  });

  t.test(`${engine}: an offer to nobody known fails the whole question, and nothing of it is stored`, async (t) => {
    const app = await build(t);
    const [first] = await twoExperts(app);
    const { uow, data } = app.services;
    const at = Date.now();
    await t.rejects(
      uow.run((unit) =>
        unit.intake.insert(newQuestion('q-intake-3', at), {
          tags: [{ slug: 'tv', confidence: 0.9, source: 'rules' }],
          offers: [offerTo('offer-3', first!, at), offerTo('offer-4', 'no-such-expert', at)],
          log: [{ type: 'question.created', at, data: {} }],
        }),
      ),
    );
    t.equal(await data.questions.byId('q-intake-3'), undefined, 'no question');
    t.same(await data.questionTags.of('q-intake-3'), [], 'no tags');
    t.same(await data.offers.ofQuestion('q-intake-3'), [], 'no offers');
    t.same(await data.auditLog.ofQuestion('q-intake-3'), [], 'no log entries');
  });
}
