import t from 'tap';
import { buildPreview, renderAttribution, weightedLength } from '../server/domain/attribution.js';
import { canApply } from '../server/domain/lifecycle.js';
import { needsReview } from '../server/domain/review-policy.js';
import { loadConfig } from '../server/config.js';
import { backoffMs } from '../server/services/outbox.js';
import { percentiles } from '../server/services/metrics.js';

t.test('weighted length counts the way X does', async (t) => {
  const cases: [string, string, number][] = [
    ['plain ASCII', 'a'.repeat(280), 280],
    ['CJK counts two', '漢'.repeat(140), 280],
    ['an emoji counts two', '👋', 2],
    ['a family emoji is one emoji', '👨‍👩‍👧‍👦', 2],
    ['a long URL counts 23', `see https://example.com/${'x'.repeat(80)}`, 27],
    ['Arabic counts one per letter', 'مرحبا', 5],
  ];
  for (const [name, text, expected] of cases) t.equal(weightedLength(text), expected, name);
});

t.test('the preview is the reply plus the signature, and must fit 280', async (t) => {
  t.equal(renderAttribution('  Try a reset. ', 'JD'), 'Try a reset. ^JD');
  t.equal(renderAttribution('Hi', 'Jane, Geek Squad', '{text} —{signature}'), 'Hi —Jane, Geek Squad');
  const fits = buildPreview('a'.repeat(276), 'JD');
  t.equal(fits.weightedLength, 280);
  t.ok(fits.fits);
  const over = buildPreview('a'.repeat(277), 'JD');
  t.notOk(over.fits, 'one more character does not fit');
  t.equal(over.remaining, -1);
  t.notOk(buildPreview('   ', 'JD').fits, 'an empty reply never fits');
  t.notOk(buildPreview('漢'.repeat(139), 'JD').fits, 'CJK is counted double');
});

t.test('lifecycle: which actions each status allows', async (t) => {
  const table: [Parameters<typeof canApply>[0], string, boolean][] = [
    ['claim', 'offered', true],
    ['claim', 'escalated', true],
    ['claim', 'claimed', false],
    ['claim', 'answered', false],
    ['release', 'claimed', true],
    ['release', 'offered', false],
    ['submit', 'claimed', true],
    ['submit', 'in_review', true],
    ['submit', 'approved', false],
    ['approve', 'in_review', true],
    ['approve', 'claimed', false],
    ['reject', 'in_review', true],
    ['escalate', 'offered', true],
    ['escalate', 'claimed', false],
    ['dismiss', 'offered', true],
    ['dismiss', 'answered', false],
    ['dismiss', 'posting', false],
    ['reopen', 'answered', true],
    ['reopen', 'offered', false],
    ['retry', 'failed', true],
    ['retry', 'answered', false],
  ];
  for (const [action, status, expected] of table)
    t.equal(canApply(action, status), expected, `${action} from ${status}`);
});

t.test('review policy', async (t) => {
  const sensitive = new Set(['returns']);
  const policy = { minApproved: 5, reviewAll: false };
  t.ok(
    needsReview(policy, { approvedCount: 4, questionTags: ['tv'], sensitiveTags: sensitive }),
    'a new expert is reviewed',
  );
  t.notOk(
    needsReview(policy, { approvedCount: 5, questionTags: ['tv'], sensitiveTags: sensitive }),
    'a proven expert is not',
  );
  t.ok(
    needsReview(policy, { approvedCount: 50, questionTags: ['tv', 'returns'], sensitiveTags: sensitive }),
    'a sensitive tag always is',
  );
  t.ok(
    needsReview({ minApproved: 0, reviewAll: true }, { approvedCount: 50, questionTags: [], sensitiveTags: sensitive }),
    'review-all wins',
  );
});

t.test('configuration names the bad variable', async (t) => {
  t.throws(() => loadConfig({ PORT: 'abc' }), /PORT/);
  t.throws(() => loadConfig({ X_APP_KEY: 'k' }), /must be set together/);
  t.throws(() => loadConfig({ ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'short' }), /ADMIN_PASSWORD/);
  const demo = loadConfig({});
  t.equal(demo.demo.enabled, true, 'no X credentials means the demo');
  t.equal(demo.port, 3000);
  const real = loadConfig({
    X_APP_KEY: 'a',
    X_APP_SECRET: 'b',
    X_ACCESS_TOKEN: 'c',
    X_ACCESS_SECRET: 'd',
    X_POLL_INTERVAL_S: '90',
  });
  t.equal(real.demo.enabled, false);
  t.equal(real.app.x?.pollIntervalMs, 90_000);
  t.equal(real.app.x?.baseUrl, undefined, 'the real API by default');
});

t.test('outbox backoff grows and is capped', async (t) => {
  t.same([1, 2, 3, 4].map(backoffMs), [1000, 2000, 4000, 8000]);
  t.equal(backoffMs(30), 300_000);
});

t.test('percentiles', async (t) => {
  t.same(percentiles([]), { median: null, p90: null, count: 0 });
  t.same(percentiles([5, 1, 3]), { median: 3, p90: 5, count: 3 });
  t.equal(percentiles(Array.from({ length: 100 }, (_, i) => i + 1)).p90, 90);
});
