import t from 'tap';
import { createExpertBias } from '../server/domain/routing/expert-bias.js';
import { createExpertiseIndex } from '../server/domain/routing/expertise-index.js';
import { FEATURES } from '../server/domain/routing/features.js';

t.test('an expert bias starts at 0, follows its gradients and is pulled back towards 0', async (t) => {
  const bias = createExpertBias(0.1, [0.5]);
  t.equal(bias.of(undefined), 0, 'no history, no bias');
  t.equal(bias.of(1000), 0, 'an expert never compared is neutral');
  bias.learn([3, 1000], [1, -0.5]);
  t.ok(bias.of(3) > 0, 'the answerer rises');
  t.ok(bias.of(1000) < 0, 'an expert ranked against them falls');
  const risen = bias.of(3);
  bias.learn([3], [0]);
  t.ok(bias.of(3) < risen && bias.of(3) > 0, 'a step with no evidence pulls it towards 0');
});

t.test('each pull keeps a bias of its own: a weak pull remembers longer than a strong one', async (t) => {
  const bias = createExpertBias(0.1, [1, 0.03]);
  bias.learn([3], [1]);
  t.equal(bias.of(3, 0), bias.of(3, 1), 'the first step moves both alike');
  for (let i = 0; i < 20; i++) bias.learn([3], [0]);
  t.ok(bias.of(3, 1) > 2 * bias.of(3, 0), `the weak pull keeps more: ${bias.of(3, 1)} against ${bias.of(3, 0)}`);
  t.ok(bias.of(3, 0) > 0, 'the strong pull has not crossed 0');
  t.equal(bias.of(5000, 1), 0, 'an expert never compared is neutral under every pull');
});

t.test(
  "each answer the expertise index learns raises the answerer's bias against those it was compared with",
  async (t) => {
    const index = createExpertiseIndex();
    const feature = FEATURES.findIndex(({ name }) => name === 'expert_bias');
    const experts = ['ana', 'ben', 'cai', 'dee', 'eve'];
    for (let i = 0; i < 200; i++) index.learn(experts[i % 5]!, ['wms', 'layer', `case${i}`], ['web'], 1_000 * i, 1);
    const bias = (id: string) => {
      const query = index.prepare(['wms', 'layer'], [{ key: 'web', weight: 1 }], 500_000);
      return index.features(query, id)[feature]!;
    };
    const before = experts.map(bias);
    index.learn('cai', ['wms', 'layer', 'case200'], ['web'], 200_000, 1);
    const after = experts.map(bias);
    t.ok(after[2]! > before[2]!, `the answerer rises: ${before[2]} → ${after[2]}`);
    for (const i of [0, 1, 3, 4]) t.ok(after[i]! < before[i]!, `${experts[i]} falls: ${before[i]} → ${after[i]}`);
    t.equal(bias('nobody'), 0, 'a newcomer starts neutral');
  },
);
