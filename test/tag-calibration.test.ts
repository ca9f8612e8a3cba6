// A tag's confidence means what it says: calibrated against the tags people set, per kind of evidence.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { createCalibrator } from '../server/domain/routing/calibration.js';
import { createRouter } from '../server/domain/routing/index.js';
import { airlineTweetsMissing } from './helpers/tweets.js';

t.test('with no evidence the calibrator returns the raw score', async (t) => {
  const calibrator = createCalibrator<'rules'>();
  t.equal(calibrator.calibrate('rules', 0.9), 0.9);
  t.equal(calibrator.evidence('rules'), 0);
});

t.test('with evidence it moves to the observed share, and stays non-decreasing in the raw score', async (t) => {
  const calibrator = createCalibrator<'rules'>();
  // Rule hits at 0.9 are right one time in five; fuzzy hits at 0.6 three times in five (more than the exact ones).
  for (let i = 0; i < 200; i++) calibrator.observe('rules', 0.9, i % 5 === 0);
  for (let i = 0; i < 200; i++) calibrator.observe('rules', 0.6, i % 5 < 3);
  const high = calibrator.calibrate('rules', 0.95);
  const mid = calibrator.calibrate('rules', 0.65);
  t.ok(high < 0.5, `a 0.9 rule hit now reads ${high.toFixed(2)}`);
  t.ok(mid <= high + 1e-9, 'a lower raw score never reads as more likely');
  t.equal(calibrator.evidence('rules'), 400);
});

t.test(
  'a keyword that keeps firing on the wrong questions loses its confidence once managers correct them',
  async (t) => {
    const router = createRouter({ k: 3, maxOffersPerHour: 20, requireOnline: false });
    const rules = [
      { slug: 'repair', keywords: ['fix', 'repair'] },
      { slug: 'gaming', keywords: ['xbox', 'console'] },
    ];
    const first = router.classify('how do I fix the xbox controller pairing', rules);
    t.equal(
      first.find((tag) => tag.slug === 'repair')?.confidence,
      0.9,
      'before any correction a keyword hit says 0.9',
    );
    const texts = [
      'fix my xbox party chat',
      'quick fix for console lag?',
      'any fix for xbox sign in loop',
      'how to fix controller drift on my console',
    ];
    for (let i = 0; i < 40; i++) {
      router.classify(texts[i % texts.length]!, rules);
      router.learnTags(texts[i % texts.length]!, ['gaming']);
    }
    const after = router.classify('how do I fix the xbox controller pairing', rules);
    const repair = after.find((tag) => tag.slug === 'repair');
    t.ok(!repair || repair.confidence < 0.5, `repair now ${repair?.confidence ?? 'not shown'}`);
    t.ok(
      (after.find((tag) => tag.slug === 'gaming')?.confidence ?? 0) > 0.5,
      'the confirmed tag keeps a high confidence',
    );
  },
);

t.test(
  'on the crowd-labelled airline tweets: calibrated, and better than the simple baselines',
  { skip: airlineTweetsMissing() },
  async (t) => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/eval-tagging.ts'], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as {
      scorers: { name: string; f1: number; ece: number }[];
    };
    const [majority, rules, before, calibrated] = result.scorers;
    t.ok(calibrated!.ece < 0.05, `calibration error ${calibrated!.ece.toFixed(3)} (was ${before!.ece.toFixed(3)})`);
    t.ok(
      calibrated!.f1 > rules!.f1 && calibrated!.f1 > majority!.f1 && calibrated!.f1 > before!.f1,
      'F1 above every baseline',
    );
  },
);

t.test(
  "what managers corrected is remembered across a restart: the replay judges the desk's keyword rules too",
  async (t) => {
    const { buildTestApp, createUser, as, seedTags, tempDatabasePath } = await import('./helpers/app.js');
    const databasePath = tempDatabasePath(t);
    const tags = [
      { slug: 'repair', name: 'Repair', description: '', keywords: ['fix', 'repair'], sensitive: true },
      { slug: 'gaming', name: 'Gaming', description: '', keywords: ['xbox', 'console'], sensitive: false },
    ];
    const confidenceOfRepair = async (
      app: Awaited<ReturnType<typeof buildTestApp>>,
      manager: Awaited<ReturnType<typeof createUser>>,
      n: number,
    ) => {
      const created = await as(app, manager).post('/api/questions', {
        channel: 'api',
        externalId: `probe-${n}`,
        text: 'how do I fix the xbox controller pairing',
        author: { handle: 'probe' },
      });
      return (
        (created.json().question.tags as { slug: string; confidence: number }[]).find((tag) => tag.slug === 'repair')
          ?.confidence ?? 0
      );
    };
    {
      const app = await buildTestApp(t, { databasePath });
      await seedTags(app, tags);
      const manager = await createUser(app, 'manager');
      t.equal(await confidenceOfRepair(app, manager, 0), 0.9, 'a fresh desk trusts its keyword');
      for (let i = 0; i < 40; i++) {
        const created = await as(app, manager).post('/api/questions', {
          channel: 'api',
          externalId: `q-${i}`,
          text: `quick fix for my xbox problem number ${i}`,
          author: { handle: `c${i}` },
        });
        t.equal(
          (await as(app, manager).post(`/api/questions/${created.json().question.id}/tags`, { tags: ['gaming'] }))
            .statusCode,
          200,
        );
      }
      t.ok((await confidenceOfRepair(app, manager, 1)) < 0.5, 'corrected while running');
      await app.close();
    }
    const app = await buildTestApp(t, { databasePath });
    const manager = await createUser(app, 'manager');
    const after = await confidenceOfRepair(app, manager, 2);
    t.ok(after < 0.5, `after a restart repair reads ${after}`);
  },
);
