import t from 'tap';
import { createOrdinals, recentEvidence, resolveKeys } from '../server/domain/routing/profile-index.js';
import { createRecentProfiles } from '../server/domain/routing/recent-profiles.js';

const decayed = (profiles: ReturnType<typeof createRecentProfiles>, ordinal: number, key: string, event: number) =>
  (profiles.terms.holders(key)?.get(ordinal) ?? 0) * profiles.scale(event);

t.test('an answer counts half after one half-life, and a fresh one counts whole', async (t) => {
  const ordinals = createOrdinals();
  const profiles = createRecentProfiles(ordinals, 100);
  profiles.add('old', ['raster'], ['gdal'], 1, 0);
  profiles.add('new', ['raster'], ['gdal'], 1, 100);
  t.equal(decayed(profiles, ordinals.of('old'), 'raster', 100), 0.5);
  t.equal(decayed(profiles, ordinals.of('new'), 'raster', 100), 1);
  t.equal(
    (profiles.tags.holders('gdal')?.get(ordinals.of('old')) ?? 0) * profiles.scale(200),
    0.25,
    'tags decay alike',
  );
  t.same(profiles.terms.topHolders('raster'), ['new', 'old'], 'the most recent holder comes first');
});

t.test('a long history is brought back to small numbers without changing what it says', async (t) => {
  const ordinals = createOrdinals();
  const profiles = createRecentProfiles(ordinals, 1);
  profiles.add('early', ['wms'], [], 1, 0);
  for (let event = 1; event <= 600; event++) profiles.add('busy', ['wfs'], [], 1, event);
  const busy = decayed(profiles, ordinals.of('busy'), 'wfs', 600);
  t.ok(Number.isFinite(profiles.terms.holders('wfs')!.get(ordinals.of('busy'))!), 'stored counts stay finite');
  t.ok(Math.abs(busy - 2) < 1e-9, `a steady answerer sums to 1 + 1/2 + 1/4 + … = 2 (got ${busy})`);
  t.ok(decayed(profiles, ordinals.of('early'), 'wms', 600) < 1e-150, 'an answer 600 half-lives old is all but gone');
});

t.test('recent evidence: share of the recent answers on these keys, and their decayed volume', async (t) => {
  const ordinals = createOrdinals();
  const profiles = createRecentProfiles(ordinals, 10);
  profiles.add('a', ['raster', 'clip'], [], 1, 10);
  profiles.add('b', ['raster'], [], 1, 10);
  profiles.add('b', ['raster'], [], 1, 0);
  const keys = resolveKeys(profiles.terms, [{ key: 'raster', weight: 1 }]);
  const evidence = (expert: number | undefined, scale = profiles.scale(10), query = keys) => {
    const into: number[] = [];
    t.equal(recentEvidence(query, expert, scale, into, 0), 2, 'writes two features');
    return into;
  };
  const [shareA, volumeA] = evidence(ordinals.find('a'));
  const [shareB, volumeB] = evidence(ordinals.find('b'));
  t.ok(shareB! > shareA! && volumeB! > volumeA!, 'b answered more about raster lately');
  t.ok(Math.abs(shareA! - Math.log1p((2 * 1) / 2.5)) < 1e-9, 'a holds 1 of the 2.5 recent raster answers');
  t.ok(Math.abs(volumeA! - Math.log1p(Math.log1p(2 / 3))) < 1e-9, "a's one fresh answer, weighted by raster's idf");
  t.same(evidence(undefined), [0, 0], 'no history, no evidence');
  t.same(evidence(ordinals.find('a'), 1, resolveKeys(profiles.terms, [])), [0, 0], 'a question without words');
});

t.test(
  'a key nobody used for a very long time is forgotten, and asking for it gives no evidence, never NaN',
  async (t) => {
    const ordinals = createOrdinals();
    const profiles = createRecentProfiles(ordinals, 1);
    profiles.add('early', ['rareword'], ['raretag'], 1, 0);
    // Far more half-lives than a double can span (2^-1075 is zero): counts must be forgotten, not decayed to 0/0.
    for (let event = 1; event <= 3000; event++) profiles.add('busy', ['wfs'], [], 1, event);
    t.equal(profiles.terms.holders('rareword'), undefined, 'the word is gone from the recent profiles');
    t.equal(profiles.tags.holders('raretag'), undefined, 'and the tag');
    const keys = resolveKeys(profiles.terms, [
      { key: 'rareword', weight: 1 },
      { key: 'wfs', weight: 1 },
    ]);
    const into: number[] = [];
    recentEvidence(keys, ordinals.find('busy'), profiles.scale(3000), into, 0);
    recentEvidence(keys, ordinals.find('early'), profiles.scale(3000), into, 2);
    t.ok(into.every(Number.isFinite), `every feature is a number (${into.join(', ')})`);
    t.same(profiles.terms.topHolders('wfs'), ['busy']);
  },
);
