// Routing by reachability: an expert with a push subscription is offered work with no tab open; a connected one
// still ranks a little higher (they see it at once); someone neither connected nor subscribed is not offered it.
import t from 'tap';
import { createRouter } from '../server/domain/routing/index.js';
import type { RoutingExpert, RoutingSettings, TagScore } from '../server/domain/routing/index.js';
import { CONNECTED_BONUS } from '../server/domain/routing/score.js';
import { isPublicAddress, checkUrl } from '../server/domain/address-policy.js';

const NOW = Date.UTC(2024, 0, 10, 15, 0);
const settings: RoutingSettings = { k: 3, maxOffersPerHour: 2, requireOnline: true };
const tv: TagScore[] = [{ slug: 'tv', confidence: 0.9, source: 'rules' }];

function expert(id: string, overrides: Partial<RoutingExpert> = {}): RoutingExpert {
  return {
    id,
    skills: [{ tag: 'tv', level: 3 }],
    generalist: false,
    capacity: 3,
    load: 0,
    availability: 'available',
    schedule: null,
    online: false,
    approved: 0,
    rejected: 0,
    medianClaimMs: null,
    medianReplyMs: null,
    ...overrides,
  };
}

const route = (router: ReturnType<typeof createRouter>) =>
  router.route({ text: 'tv has no sound', tags: tv, now: NOW });

t.test('reachable by push counts; neither connected nor subscribed does not', async (t) => {
  const router = createRouter(settings);
  router.upsertExpert(expert('phone', { pushable: true }));
  router.upsertExpert(expert('gone'));
  t.same(
    route(router).ranked.map((r) => r.expertId),
    ['phone'],
    'offered with the tab closed',
  );
  router.setPushable('phone', false);
  t.same(route(router).ranked, [], 'unsubscribed and offline: not offered');
  router.setPushable('gone', true);
  t.same(
    route(router).ranked.map((r) => r.expertId),
    ['gone'],
  );
  router.upsertExpert(expert('away', { pushable: true, availability: 'away' }));
  router.upsertExpert(
    expert('off-hours', { pushable: true, schedule: { timezone: 'UTC', slots: [{ day: 0, start: 0, end: 60 }] } }),
  );
  t.same(
    route(router).ranked.map((r) => r.expertId),
    ['gone'],
    'quiet hours are the schedule; Away is away, phone or not',
  );
});

t.test('a connected expert is preferred over an equal one reached by push, by a modest bonus', async (t) => {
  const router = createRouter(settings);
  router.upsertExpert(expert('phone', { pushable: true }));
  router.upsertExpert(expert('tab', { online: true }));
  const ranked = route(router).ranked;
  t.same(
    ranked.map((r) => r.expertId),
    ['tab', 'phone'],
  );
  t.equal(ranked[0]!.reasons.connected, CONNECTED_BONUS, 'the reason is shown with the offer');
  t.equal(Math.round((ranked[0]!.score - ranked[1]!.score) * 1000) / 1000, CONNECTED_BONUS);
  const skilled = createRouter(settings);
  skilled.upsertExpert(expert('phone-master', { pushable: true, skills: [{ tag: 'tv', level: 5 }] }));
  skilled.upsertExpert(expert('tab-novice', { online: true, skills: [{ tag: 'tv', level: 2 }] }));
  t.equal(
    route(skilled).ranked[0]!.expertId,
    'phone-master',
    'modest: a much better skill still wins over a connected tab',
  );
});

t.test('the hourly cap caps pushes too: offers (and so their pushes) stop at the cap', async (t) => {
  const router = createRouter(settings);
  router.upsertExpert(expert('phone', { pushable: true }));
  router.noteOffered('phone', NOW - 1000);
  router.noteOffered('phone', NOW - 500);
  t.same(route(router).ranked, [], 'two offers this hour is the cap');
});

t.test('address policy: public addresses only', async (t) => {
  for (const [address, expected] of [
    ['8.8.8.8', true],
    ['2606:4700::1111', true],
    ['127.0.0.1', false],
    ['10.0.0.1', false],
    ['172.16.5.4', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.1.1', false],
    ['0.0.0.0', false],
    ['224.0.0.251', false],
    ['::1', false],
    ['::', false],
    ['fd12::1', false],
    ['fe80::1%eth0', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['::ffff:8.8.8.8', true],
    ['64:ff9b::a00:1', false],
    ['not-an-ip', false],
  ] as const)
    t.equal(isPublicAddress(address), expected, address);
  t.match(checkUrl('https://fcm.googleapis.com/fcm/send/abc', { allowLocal: false }), { ok: true });
  t.match(
    checkUrl('http://127.0.0.1:8080/hook', { allowLocal: true, httpWhenLocal: true }),
    { ok: true },
    'plain http only for a local webhook in tests',
  );
  t.match(checkUrl('http://127.0.0.1:8080/push', { allowLocal: true }), { ok: false }, 'push is always https');
  t.match(checkUrl('nonsense', { allowLocal: true }), { ok: false });
});
