import t from 'tap';
import { createExpertiseIndex } from '../server/domain/routing/expertise-index.js';
import { FEATURES } from '../server/domain/routing/features.js';
import { createSimilarQuestions, questionKeys } from '../server/domain/routing/similar-questions.js';

const keys = (...words: string[]) => words.map((key) => ({ key, weight: 1 }));

t.test('whoever answered the closest past question scores highest; no shared key, no score', async (t) => {
  const similar = createSimilarQuestions();
  similar.add(['reproject', 'raster', 'gdal'], 1);
  similar.add(['raster', 'style', 'qgis'], 2);
  similar.add(['postgis', 'index'], 3);
  for (let i = 0; i < 20; i++) similar.add([`filler${i}`], 4);
  const scores = similar.scores(keys('reproject', 'raster', 'gdal'));
  t.ok(scores.get(1)! > scores.get(2)!, `${scores.get(1)} > ${scores.get(2)}`);
  t.ok(scores.get(1)! <= 1 + 1e-9, 'a cosine is at most 1');
  t.notOk(scores.has(3), 'a question sharing no key reaches nobody');
  t.notOk(scores.has(4));
});

t.test(
  'an expert is scored by the sum over the nearest questions they answered, and only the nearest count',
  async (t) => {
    const similar = createSimilarQuestions(2);
    similar.add(['clip', 'raster'], 1);
    similar.add(['clip', 'raster'], 1);
    similar.add(['clip', 'vector'], 2);
    for (let i = 0; i < 20; i++) similar.add([`filler${i}`], 3);
    const scores = similar.scores(keys('clip', 'raster'));
    t.same([...scores.keys()], [1], 'the third nearest question is beyond the two kept');
    const one = createSimilarQuestions(2).scores(keys('clip'));
    t.equal(one.size, 0, 'nothing learned, nothing found');
    const twice = createSimilarQuestions(3);
    twice.add(['clip', 'raster'], 1);
    twice.add(['clip', 'vector'], 1);
    twice.add(['buffer'], 2);
    const both = twice.scores(keys('clip'));
    const single = createSimilarQuestions(3);
    single.add(['clip', 'raster'], 1);
    single.add(['clip', 'vector'], 2);
    single.add(['buffer'], 2);
    t.ok(both.get(1)! > single.scores(keys('clip')).get(1)!, 'two near questions count more than one');
  },
);

t.test('every answerer of a question shares its similarity', async (t) => {
  const similar = createSimilarQuestions();
  similar.add(['wms', 'proxy'], 1);
  similar.addAnswerer(2);
  similar.addAnswerer(2);
  similar.add(['buffer'], 3);
  const scores = similar.scores(keys('wms', 'proxy'));
  t.equal(scores.get(1), scores.get(2));
  t.notOk(scores.has(3));
});

t.test('tags are keys of their own, never mistaken for a word', async (t) => {
  t.same(questionKeys(keys('raster'), [{ key: 'raster', weight: 0.5 }]), [
    { key: 'raster', weight: 1 },
    { key: '#raster', weight: 0.5 },
  ]);
  const similar = createSimilarQuestions();
  similar.add(['#raster'], 1);
  similar.add(['raster'], 2);
  similar.add(['other'], 3);
  t.same([...similar.scores(keys('#raster')).keys()], [1]);
});

t.test('a common key reaches only its latest questions, so a lookup stays bounded', async (t) => {
  const similar = createSimilarQuestions(1000);
  for (let i = 0; i < 300; i++) similar.add(['gdal'], 1);
  for (let i = 0; i < 256; i++) similar.add(['gdal'], 2);
  const scores = similar.scores(keys('gdal'));
  t.notOk(scores.has(1), 'the 300 older questions are out of reach');
  t.ok(scores.get(2)! > 0);
});

t.test('the expertise index gives whoever answered a near question the similar_questions feature', async (t) => {
  const index = createExpertiseIndex();
  const feature = FEATURES.findIndex(({ name }) => name === 'similar_questions');
  index.learn('ana', ['reproject', 'raster'], ['gdal'], 1, 1);
  index.learn('ben', ['style', 'labels'], ['qgis'], 2, 1);
  index.learn('ana', ['postgis', 'index'], [], 3, 1);
  const query = index.prepare(['reproject', 'raster'], [{ key: 'gdal', weight: 1 }], 4);
  t.ok(index.features(query, 'ana')[feature]! > 0);
  t.equal(index.features(query, 'ben')[feature], 0);
  t.equal(index.features(query, 'nobody')[feature], 0);
});
