import t from 'tap';
import { createRouter } from '../server/domain/routing/index.js';
import type { RoutingExpert, RoutingSettings, TagScore } from '../server/domain/routing/index.js';
import { routingExpert } from './helpers/routing.js';

const NOW = Date.UTC(2024, 0, 10, 15, 0); // a Wednesday, 15:00 UTC
const HOUR = 3_600_000;
const settings: RoutingSettings = { k: 3, maxOffersPerHour: 2, requireOnline: true };
const tv: TagScore[] = [{ slug: 'tv', confidence: 0.9, source: 'rules' }];

const expert = routingExpert;

function routerWith(experts: RoutingExpert[], custom: Partial<RoutingSettings> = {}) {
  const router = createRouter({ ...settings, ...custom });
  for (const e of experts) router.upsertExpert(e);
  return router;
}

const ids = (result: { ranked: { expertId: string }[] }) => result.ranked.map((r) => r.expertId);

t.test('an expert without a skill on the tags is not offered while a skilled one is available', async (t) => {
  const router = routerWith([
    expert('skilled', { skills: [{ tag: 'tv', level: 2 }] }),
    expert('busy-generalist', { generalist: true }),
  ]);
  for (let i = 0; i < 20; i++) router.learnAnswer('busy-generalist', `my tv has no sound ${i}`, ['tv'], NOW - i * 1000);
  const result = router.route({ text: 'tv has no sound', tags: tv, now: NOW });
  t.equal(result.pool, 'skilled');
  t.same(ids(result), ['skilled']);
});

t.test('higher skill level and matching history rank first among the skilled', async (t) => {
  const router = routerWith([
    expert('novice', { skills: [{ tag: 'tv', level: 1 }] }),
    expert('master', { skills: [{ tag: 'tv', level: 5 }] }),
  ]);
  t.same(ids(router.route({ text: 'tv question', tags: tv, now: NOW })), ['master', 'novice']);
  const peers = routerWith([
    expert('a', { skills: [{ tag: 'tv', level: 3 }] }),
    expert('b', { skills: [{ tag: 'tv', level: 3 }] }),
  ]);
  for (let i = 0; i < 5; i++)
    peers.learnAnswer('b', 'chromecast keeps disconnecting from the tv', ['tv'], NOW - HOUR + i);
  const result = peers.route({ text: 'my chromecast disconnects', tags: tv, now: NOW });
  t.same(ids(result), ['b', 'a']);
  t.ok(result.ranked[0]!.reasons.similar! > 0, 'similarity is a reason');
  t.ok(result.ranked[0]!.reasons['skill:tv']! > 0, 'skill is a reason');
});

const fallbacks: { name: string; experts: RoutingExpert[]; tags: TagScore[]; pool: string; offered: string[] }[] = [
  {
    name: 'no tag goes to generalists',
    experts: [expert('g', { generalist: true }), expert('s', { skills: [{ tag: 'tv', level: 5 }] })],
    tags: [],
    pool: 'generalists',
    offered: ['g'],
  },
  {
    name: 'no skilled expert available goes to generalists',
    experts: [
      expert('g', { generalist: true }),
      expert('s', { skills: [{ tag: 'tv', level: 5 }], availability: 'away' }),
    ],
    tags: tv,
    pool: 'generalists',
    offered: ['g'],
  },
  {
    name: 'nobody skilled for an unknown tag goes to generalists',
    experts: [expert('g', { generalist: true }), expert('s', { skills: [{ tag: 'tv', level: 5 }] })],
    tags: [{ slug: 'billing', confidence: 1, source: 'manual' }],
    pool: 'generalists',
    offered: ['g'],
  },
  {
    name: 'nobody available at all',
    experts: [
      expert('g', { generalist: true, online: false }),
      expert('s', { skills: [{ tag: 'tv', level: 5 }], load: 3 }),
    ],
    tags: tv,
    pool: 'none',
    offered: [],
  },
  {
    name: 'zero-confidence tags count as no tags',
    experts: [expert('g', { generalist: true }), expert('s', { skills: [{ tag: 'tv', level: 5 }] })],
    tags: [{ slug: 'tv', confidence: 0, source: 'model' }],
    pool: 'generalists',
    offered: ['g'],
  },
];

for (const c of fallbacks) {
  t.test(c.name, async (t) => {
    const result = routerWith(c.experts).route({ text: 'hello', tags: c.tags, now: NOW });
    t.equal(result.pool, c.pool);
    t.same(ids(result), c.offered);
  });
}

const workdays = {
  timezone: 'America/New_York',
  slots: [1, 2, 3, 4, 5].map((day) => ({ day, start: 9 * 60, end: 17 * 60 })),
};
const nights = { timezone: 'America/New_York', slots: [{ day: 3, start: 22 * 60, end: 6 * 60 }] };

const exclusions: {
  name: string;
  who: Partial<RoutingExpert>;
  excluded: boolean;
  custom?: Partial<RoutingSettings>;
}[] = [
  { name: 'away', who: { availability: 'away' }, excluded: true },
  { name: 'offline when online is required', who: { online: false }, excluded: true },
  {
    name: 'offline when online is not required',
    who: { online: false },
    excluded: false,
    custom: { requireOnline: false },
  },
  { name: 'at capacity', who: { load: 3, capacity: 3 }, excluded: true },
  { name: 'below capacity', who: { load: 2, capacity: 3 }, excluded: false },
  { name: 'zero capacity', who: { capacity: 0 }, excluded: true },
  { name: 'inside their schedule (10:00 in New York)', who: { schedule: workdays }, excluded: false },
  { name: 'outside their schedule', who: { schedule: { ...workdays, timezone: 'Asia/Tokyo' } }, excluded: true },
  { name: 'an overnight slot that is not now', who: { schedule: nights }, excluded: true },
  { name: 'an empty schedule', who: { schedule: { timezone: 'UTC', slots: [] } }, excluded: true },
];

for (const c of exclusions) {
  t.test(`${c.excluded ? 'excluded' : 'offered'}: ${c.name}`, async (t) => {
    const router = routerWith([expert('x', { skills: [{ tag: 'tv', level: 3 }], ...c.who })], c.custom);
    t.equal(ids(router.route({ text: 'tv', tags: tv, now: NOW })).includes('x'), !c.excluded);
  });
}

t.test('an explicitly excluded expert (declined or already offered) is skipped', async (t) => {
  const router = routerWith([
    expert('a', { skills: [{ tag: 'tv', level: 3 }] }),
    expert('b', { skills: [{ tag: 'tv', level: 3 }] }),
  ]);
  t.same(ids(router.route({ text: 'tv', tags: tv, now: NOW, exclude: new Set(['a']) })), ['b']);
});

t.test('the hourly cap stops offers until the hour has passed', async (t) => {
  const router = routerWith([expert('a', { skills: [{ tag: 'tv', level: 3 }] })]);
  router.noteOffered('a', NOW - 30 * 60_000);
  t.same(ids(router.route({ text: 'tv', tags: tv, now: NOW })), ['a'], 'one offer is under the cap of two');
  router.noteOffered('a', NOW - 10 * 60_000);
  t.equal(router.route({ text: 'tv', tags: tv, now: NOW }).pool, 'none', 'two offers reach it');
  t.same(ids(router.route({ text: 'tv', tags: tv, now: NOW + 31 * 60_000 })), ['a'], 'the first offer has aged out');
});

t.test('equal candidates go to whoever has waited longest for an offer', async (t) => {
  const router = routerWith(
    ['a', 'b', 'c', 'd'].map((id) => expert(id, { skills: [{ tag: 'tv', level: 3 }] })),
    { maxOffersPerHour: 100 },
  );
  router.noteOffered('c', NOW - 5 * HOUR);
  router.noteOffered('a', NOW - 3 * HOUR);
  router.noteOffered('b', NOW - 2 * HOUR);
  t.same(ids(router.route({ text: 'tv', tags: tv, now: NOW })), ['d', 'c', 'a']);
  router.noteOffered('d', NOW - 60_000);
  t.same(ids(router.route({ text: 'tv', tags: tv, now: NOW })), ['c', 'a', 'b']);
});

t.test('offers this hour, load and a poor review record lower the score, with reasons', async (t) => {
  const router = routerWith(
    [
      expert('fresh', { skills: [{ tag: 'tv', level: 3 }] }),
      expert('loaded', { skills: [{ tag: 'tv', level: 3 }], load: 2 }),
      expert('rejected', { skills: [{ tag: 'tv', level: 3 }], approved: 2, rejected: 6 }),
      expert('offered', { skills: [{ tag: 'tv', level: 3 }] }),
    ],
    { k: 4, maxOffersPerHour: 5 },
  );
  router.noteOffered('offered', NOW - 60_000);
  const result = router.route({ text: 'tv', tags: tv, now: NOW });
  t.equal(result.ranked[0]!.expertId, 'fresh');
  const byId = Object.fromEntries(result.ranked.map((r) => [r.expertId, r]));
  t.ok(byId.loaded!.reasons.load! < 0);
  t.ok(byId.rejected!.reasons.record! < 0);
  t.ok(byId.offered!.reasons.fairness! < 0);
  for (const r of result.ranked)
    t.ok(
      Math.abs(r.score - Object.values(r.reasons).reduce((a, b) => a + b, 0)) < 0.01,
      'score is the sum of its reasons',
    );
});

t.test('roster changes take effect: setLoad, setOnline, removeExpert, upsert', async (t) => {
  const router = routerWith([expert('a', { skills: [{ tag: 'tv', level: 3 }] })]);
  router.setOnline('a', false);
  t.equal(router.route({ text: 'tv', tags: tv, now: NOW }).pool, 'none');
  router.setOnline('a', true);
  router.setLoad('a', 3);
  t.equal(router.route({ text: 'tv', tags: tv, now: NOW }).pool, 'none');
  router.setLoad('a', 0);
  t.same(ids(router.route({ text: 'tv', tags: tv, now: NOW })), ['a']);
  router.upsertExpert(expert('a', { skills: [{ tag: 'radio', level: 3 }] }));
  t.equal(router.route({ text: 'tv', tags: tv, now: NOW }).pool, 'none', 'skill removed');
  router.removeExpert('a');
  t.same(router.rank({ text: 'tv', tags: tv, now: NOW }), []);
});

t.test('rank orders everyone by learned expertise, without availability filtering', async (t) => {
  const router = routerWith([
    expert('maps', { availability: 'away' }),
    expert('tv-fan', { online: false }),
    expert('newbie'),
  ]);
  for (let i = 0; i < 30; i++) {
    router.learnAnswer('maps', `projection of raster layer ${i % 5}`, ['gis'], i * 2);
    router.learnAnswer('tv-fan', `television remote pairing ${i % 5}`, ['tv'], i * 2 + 1);
  }
  t.same(
    router.rank({ text: 'raster projection', tags: [], now: 61 }).map((r) => r.expertId),
    ['maps', 'tv-fan', 'newbie'],
  );
  t.same(
    router.rank({ text: 'remote pairing', tags: [], now: 61 }).map((r) => r.expertId),
    ['tv-fan', 'maps', 'newbie'],
  );
  t.same(
    router
      .rank({ text: 'anything', tags: [{ slug: 'tv', confidence: 1, source: 'manual' }], now: 61 }, [
        'newbie',
        'tv-fan',
      ])
      .map((r) => r.expertId),
    ['tv-fan', 'newbie'],
  );
});

t.test('only k experts are offered, from a large roster', async (t) => {
  const router = routerWith(
    Array.from({ length: 500 }, (_, i) =>
      expert(`e${i}`, { generalist: true, skills: [{ tag: 'tv', level: 1 + (i % 5) }] }),
    ),
  );
  const result = router.route({ text: 'tv', tags: tv, now: NOW });
  t.equal(result.ranked.length, 3);
  t.ok(
    result.ranked.every((r) => r.reasons['skill:tv']! >= 1.7),
    'the top level comes first',
  );
});

t.test('rank returns every candidate in score order, with reasons for the head', async (t) => {
  const router = routerWith(Array.from({ length: 120 }, (_, i) => expert(`e${i}`)));
  for (let i = 0; i < 120; i++)
    for (let j = 0; j <= i % 7; j++) router.learnAnswer(`e${i}`, `question ${i} ${j}`, [], i * 10 + j);
  const ranked = router.rank({ text: 'question', tags: [], now: 2000 });
  t.equal(ranked.length, 120);
  t.ok(
    ranked.every((r, i) => i === 0 || ranked[i - 1]!.score >= r.score),
    'ordered',
  );
  t.ok(Object.keys(ranked[0]!.reasons).length > 0, 'the head is explained');
});

t.test('the fast score of every candidate equals the sum of the reasons explain() gives for it', async (t) => {
  // rank() orders by the fast score (plusRosterScore beside the learned part) and explains only the first 50; the
  // 70 below them keep the fast score. Ranking those 70 again in groups of at most 50 explains each of them, so both
  // computations meet on every expert. Everything either one adds up is varied: skills on repeated tags, load,
  // review record, speed, offers this hour, learned history.
  const tags: TagScore[] = [
    { slug: 'tv', confidence: 0.9, source: 'rules' },
    { slug: 'audio', confidence: 0.4, source: 'model' },
    { slug: 'tv', confidence: 0.6, source: 'model' },
  ];
  const router = routerWith(
    Array.from({ length: 120 }, (_, i) =>
      expert(`e${i}`, {
        skills: [
          { tag: ['tv', 'audio', 'radio'][i % 3]!, level: 1 + (i % 5) },
          ...(i % 4 === 0 ? [{ tag: 'audio', level: 2 }] : []),
        ],
        capacity: 1 + (i % 4),
        load: i % 3,
        approved: (i * 7) % 30,
        rejected: i % 5,
        medianClaimMs: i % 6 === 0 ? null : (i % 9) * 60_000,
        medianReplyMs: i % 5 === 0 ? null : (i % 11) * 120_000,
      }),
    ),
    { maxOffersPerHour: 10 },
  );
  for (let i = 0; i < 120; i++) {
    for (let j = 0; j < i % 4; j++) router.noteOffered(`e${i}`, NOW - j * 600_000);
    for (let j = 0; j <= i % 6; j++)
      router.learnAnswer(
        `e${i}`,
        `tv sound question ${i % 13} ${j}`,
        j % 2 ? ['tv'] : ['audio'],
        NOW - (i * 10 + j) * 60_000,
      );
  }
  const input = { text: 'tv sound question', tags, now: NOW };
  const all = router.rank(input);
  t.equal(all.length, 120);
  const tail = all.slice(50);
  t.ok(
    tail.every((r) => Object.keys(r.reasons).length === 0),
    'below the head, rank() kept the fast score',
  );
  const explained = new Map(
    [
      ...router.rank(
        input,
        tail.slice(0, 50).map((r) => r.expertId),
      ),
      ...router.rank(
        input,
        tail.slice(50).map((r) => r.expertId),
      ),
    ].map((r) => [r.expertId, r]),
  );
  const apart = tail.filter((r) => {
    const slow = explained.get(r.expertId)!;
    const sum = Object.values(slow.reasons).reduce((a, b) => a + b, 0);
    return Math.abs(r.score - slow.score) > 1e-5 || Math.abs(slow.score - sum) > 0.01;
  });
  t.same(
    apart.map((r) => r.expertId),
    [],
    'value() and explain() agree on all 70',
  );
  t.ok(new Set(tail.map((r) => r.score)).size > 30, 'the scores really differ from expert to expert');
});

t.test('an upsert with the same skills updates the expert and keeps their place in the waiting order', async (t) => {
  const router = routerWith(
    ['a', 'b'].map((id) => expert(id, { skills: [{ tag: 'tv', level: 3 }] })),
    { k: 1, maxOffersPerHour: 100 },
  );
  router.noteOffered('b', NOW - HOUR);
  router.upsertExpert(expert('a', { skills: [{ tag: 'tv', level: 3 }], capacity: 4 }));
  t.same(ids(router.route({ text: 'tv', tags: tv, now: NOW })), ['a'], 'a never had an offer, so still waits longest');
  router.upsertExpert(expert('a', { skills: [{ tag: 'tv', level: 3 }], availability: 'away' }));
  t.same(ids(router.route({ text: 'tv', tags: tv, now: NOW })), ['b']);
});
