import t from 'tap';
import { createRouter } from '../server/domain/routing/index.js';
import type { TagRule } from '../server/domain/routing/index.js';

const settings = { k: 3, maxOffersPerHour: 10, requireOnline: false };
const rules: TagRule[] = [
  { slug: 'premium', keywords: ['premium', 'subscription', 'family plan'] },
  { slug: 'offline', keywords: ['offline mode', 'download'] },
  { slug: 'playlists', keywords: ['playlist'] },
  { slug: 'tv', keywords: ['tv', 'chromecast'] },
];

const ruleCases: { text: string; expect: string[]; absent?: string[] }[] = [
  { text: 'How do I cancel my Premium subscription?', expect: ['premium'] },
  { text: 'can I add my mum to the family plan', expect: ['premium'] },
  { text: 'family time and a good plan', expect: [], absent: ['premium'] },
  { text: '#OfflineMode stopped working', expect: ['offline'] },
  { text: 'downloads are stuck at 0%', expect: ['offline'] },
  { text: 'my playlists vanished', expect: ['playlists'] },
  { text: 'my playlsits vanished', expect: ['playlists'] },
  { text: 'premuim charged twice', expect: ['premium'] },
  { text: 'no sound on my TV', expect: ['tv'] },
  { text: 'stvdio is not a word here', expect: [], absent: ['tv'] },
  { text: '@premium_help my songs skip', expect: [], absent: ['premium'] },
  { text: 'check https://premium.example.com pls', expect: [], absent: ['premium'] },
];

for (const c of ruleCases) {
  t.test(`rules: "${c.text}"`, async (t) => {
    const tags = createRouter(settings).classify(c.text, rules);
    for (const slug of c.expect)
      t.ok(
        tags.some((tag) => tag.slug === slug && tag.source === 'rules'),
        `has ${slug}`,
      );
    for (const slug of c.absent ?? [])
      t.notOk(
        tags.some((tag) => tag.slug === slug),
        `no ${slug}`,
      );
  });
}

t.test('an exact keyword is more confident than a misspelt one', async (t) => {
  const router = createRouter(settings);
  const exact = router.classify('premium', rules)[0]!;
  const fuzzy = router.classify('premuim', rules)[0]!;
  t.ok(exact.confidence > fuzzy.confidence);
  t.ok(fuzzy.confidence > 0 && exact.confidence < 1);
});

t.test('several hits on one tag raise its confidence', async (t) => {
  const router = createRouter(settings);
  const one = router.classify('premium', rules)[0]!.confidence;
  const two = router.classify('premium subscription', rules)[0]!.confidence;
  t.ok(two > one);
});

t.test('the model learns tags from confirmed questions and reports them as model tags', async (t) => {
  const router = createRouter(settings);
  t.same(router.classify('my podcast episodes will not load', []), [], 'nothing before learning');
  const examples: [string, string][] = [
    ['podcast episodes missing from my library', 'podcasts'],
    ['new podcast episode not showing', 'podcasts'],
    ['cannot follow a podcast', 'podcasts'],
    ['billed twice this month', 'billing'],
    ['refund for a double charge on my card', 'billing'],
    ['my card was charged but no premium', 'billing'],
  ];
  for (let round = 0; round < 3; round++) for (const [text, tag] of examples) router.learnTags(text, [tag]);
  const podcast = router.classify('podcast episodes will not load', []);
  t.equal(podcast[0]?.slug, 'podcasts');
  t.equal(podcast[0]?.source, 'model');
  t.ok(podcast[0]!.confidence > 0.5 && podcast[0]!.confidence < 1);
  const billing = router.classify('I was charged twice on my card', []);
  t.equal(billing[0]?.slug, 'billing');
});

t.test('rules and model agreeing keep the rule as source with a higher confidence', async (t) => {
  const router = createRouter(settings);
  for (let i = 0; i < 5; i++) router.learnTags('my premium subscription renewal failed', ['premium']);
  const both = router.classify('premium renewal failed', rules).find((tag) => tag.slug === 'premium')!;
  const rulesOnly = createRouter(settings)
    .classify('premium renewal failed', rules)
    .find((tag) => tag.slug === 'premium')!;
  t.equal(both.source, 'rules');
  t.ok(both.confidence > rulesOnly.confidence);
});
