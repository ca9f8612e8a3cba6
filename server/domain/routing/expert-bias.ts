/** Step size of an expert's bias: plain SGD on the ranker's softmax loss. */
const LEARNING_RATE = 0.02;
/**
 * Pull towards 0 at every step that touches the bias. Strong, so that the bias follows what an expert does lately
 * rather than ever (measured across the development sets: 0.3 against 0.01 and 0.1, docs/architecture.md).
 */
const L2 = 0.3;

/**
 * A learned intercept per expert: how much more (or less) often they answer than the shared features say, learned
 * from the same softmax over the answerer and the sampled experts that fits the ranker's weights. A newcomer starts
 * at 0. Memory: one double per expert.
 */
export interface ExpertBias {
  of(expert: number | undefined): number;
  /** One step: `gradients[i]` is d(log-likelihood)/d(bias) of `experts[i]` (1 − p for the answerer, −p for the others). */
  learn(experts: readonly number[], gradients: readonly number[]): void;
}

export function createExpertBias(learningRate = LEARNING_RATE, l2 = L2): ExpertBias {
  let values = new Float64Array(64);
  const ensure = (expert: number) => {
    if (expert < values.length) return;
    const grown = new Float64Array(Math.max(expert + 1, values.length * 2));
    grown.set(values);
    values = grown;
  };
  return {
    of: (expert) => (expert === undefined || expert >= values.length ? 0 : values[expert]!),
    learn(experts, gradients) {
      for (let i = 0; i < gradients.length; i++) {
        const expert = experts[i]!;
        ensure(expert);
        values[expert] = values[expert]! + learningRate * (gradients[i]! - l2 * values[expert]!);
      }
    },
  };
}
