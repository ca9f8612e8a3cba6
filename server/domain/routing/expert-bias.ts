/** Step size of an expert's bias: plain SGD on the ranker's softmax loss. */
const LEARNING_RATE = 0.02;
/**
 * Pulls towards 0 at every step that touches the bias, one bias per pull, each a feature of its own: 0.3 follows what
 * an expert does lately more than ever, 0.03 remembers longer, 1 forgets within a few comparisons. No single pull
 * is good everywhere (0.1 is best on the young sites but loses gis-dev, docs/architecture.md), so the ranker weighs
 * the three per site, starting from the first alone.
 */
export const BIAS_PULLS: readonly number[] = [0.3, 0.03, 1];

/**
 * Learned intercepts per expert, one per pull: how much more (or less) often they answer than the shared features
 * say, learned from the same softmax over the answerer and the sampled experts that fits the ranker's weights. A
 * newcomer starts at 0. Memory: one double per expert and pull.
 */
export interface ExpertBias {
  /** The expert's bias under the `which`-th pull (0 for an expert never compared). */
  of(expert: number | undefined, which?: number): number;
  /** One step: `gradients[i]` is d(log-likelihood)/d(bias) of `experts[i]` (1 − p for the answerer, −p for the others). */
  learn(experts: readonly number[], gradients: readonly number[]): void;
}

export function createExpertBias(learningRate = LEARNING_RATE, pulls: readonly number[] = BIAS_PULLS): ExpertBias {
  const width = pulls.length;
  let values = new Float64Array(64 * width);
  const ensure = (expert: number) => {
    if ((expert + 1) * width <= values.length) return;
    const grown = new Float64Array(Math.max((expert + 1) * width, values.length * 2));
    grown.set(values);
    values = grown;
  };
  return {
    of: (expert, which = 0) =>
      expert === undefined || (expert + 1) * width > values.length ? 0 : values[expert * width + which]!,
    learn(experts, gradients) {
      for (let i = 0; i < gradients.length; i++) {
        const expert = experts[i]!;
        ensure(expert);
        for (let k = 0; k < width; k++) {
          const at = expert * width + k;
          values[at] = values[at]! + learningRate * (gradients[i]! - pulls[k]! * values[at]!);
        }
      }
    },
  };
}
