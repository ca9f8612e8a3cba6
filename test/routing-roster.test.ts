import t from 'tap';
import { createRoster } from '../server/domain/routing/roster.js';
import type { RoutingExpert } from '../server/domain/routing/index.js';
import { routingExpert } from './helpers/routing.js';

const expert = (id: string, overrides: Partial<RoutingExpert> = {}) =>
  routingExpert(id, { skills: [{ tag: 'tv', level: 3 }], generalist: true, ...overrides });

const walk = (roster: ReturnType<typeof createRoster>) => ({
  skilled: [...roster.skilled('tv', 3).keys()],
  generalists: [...roster.generalists().keys()],
});

t.test(
  'the indexes hold only experts who could take an offer: Available, and online when routing requires it',
  async (t) => {
    const roster = createRoster({ requireOnline: true });
    roster.upsert(expert('on'));
    roster.upsert(expert('off', { online: false }));
    roster.upsert(expert('away', { availability: 'away' }));
    t.same(walk(roster), { skilled: ['on'], generalists: ['on'] });
    t.equal(roster.size, 3, 'everyone stays on the roster itself');
    t.ok(roster.get('off') && roster.get('away'));

    roster.setOnline('off', true);
    roster.upsert(expert('away'));
    t.same(walk(roster).skilled.sort(), ['away', 'off', 'on'], 'back online / back to Available: walkable again');
    roster.setOnline('on', false);
    roster.upsert(expert('away', { availability: 'away' }));
    t.same(walk(roster), { skilled: ['off'], generalists: ['off'] });
    t.equal(roster.get('on')!.expert.online, false, 'the entry itself follows the change');
    roster.noteOffered('on', 1000);
    t.same(walk(roster).skilled, ['off'], 'an offer recorded for an offline expert does not index them');
    roster.remove('off');
    t.same(walk(roster), { skilled: [], generalists: [] });

    const anyone = createRoster({ requireOnline: false });
    anyone.upsert(expert('off', { online: false }));
    t.same(walk(anyone).skilled, ['off'], 'without requireOnline an offline expert is walkable');
  },
);

t.test('each index stays longest-waiting first when experts come and go', async (t) => {
  const roster = createRoster({ requireOnline: true });
  for (const id of ['a', 'b', 'c', 'd']) roster.upsert(expert(id));
  roster.noteOffered('a', 100);
  roster.noteOffered('b', 200);
  roster.noteOffered('c', 300);
  t.same(walk(roster).skilled, ['d', 'a', 'b', 'c'], 'never offered first, then by oldest offer');

  roster.setOnline('a', false);
  roster.noteOffered('d', 400);
  t.same(walk(roster).skilled, ['b', 'c', 'd']);
  roster.setOnline('a', true);
  t.same(walk(roster).skilled, ['a', 'b', 'c', 'd'], 'back online, in place by their last offer (not at the end)');

  roster.upsert(expert('new'));
  t.same(walk(roster).skilled, ['new', 'a', 'b', 'c', 'd'], 'a new expert, never offered, waits least');
  t.same(walk(roster).generalists, ['new', 'a', 'b', 'c', 'd'], 'the generalists index keeps the same order');

  roster.setOnline('d', false);
  roster.setOnline('d', true);
  t.same(
    walk(roster).skilled,
    ['new', 'a', 'b', 'c', 'd'],
    'the latest offer still goes last (its slot was freed and taken back)',
  );
  roster.noteOffered('new', 500);
  t.same(walk(roster).skilled, ['a', 'b', 'c', 'd', 'new']);
});
