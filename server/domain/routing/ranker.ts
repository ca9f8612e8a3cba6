import { FEATURES } from './features.js';

const LEARNING_RATE = 0.01;
const GRADIENT_MEMORY = 0.999;
const L2 = 1e-4;

/**
 * A log-linear combination of the learned features, fitted online: each answer is one softmax step that raises
 * the real answerer against a few sampled experts. Step sizes are normalised per weight by a running average of
 * squared gradients (RMSProp), so the weights keep tracking a site whose habits drift.
 */
export interface OnlineRanker {
  score(features: readonly number[]): number;
  contributions(features: readonly number[]): number[];
  /** One step; returns each one's probability under the weights before it (the positive first), [] if none taken. */
  update(positive: readonly number[], negatives: readonly (readonly number[])[], weight?: number): number[];
  readonly weights: readonly number[];
}

export function createOnlineRanker(): OnlineRanker {
  const weights = FEATURES.map((feature) => feature.initialWeight);
  const meanSquares = FEATURES.map(() => 1);
  const score = (features: readonly number[]) => {
    let sum = 0;
    for (let i = 0; i < features.length; i++) sum += features[i]! * weights[i]!;
    return sum;
  };

  return {
    score,
    contributions: (features) => features.map((value, i) => value * weights[i]!),
    update(positive, negatives, weight = 1) {
      if (negatives.length === 0 || !(weight > 0)) return [];
      const all = [positive, ...negatives];
      const scores = all.map(score);
      const top = Math.max(...scores);
      const odds = scores.map((value) => Math.exp(value - top));
      const norm = odds.reduce((a, b) => a + b, 0);
      const step = LEARNING_RATE * Math.min(weight, 2);
      weights.forEach((current, i) => {
        const expected = all.reduce((sum, features, j) => sum + (odds[j]! / norm) * features[i]!, 0);
        const gradient = positive[i]! - expected - L2 * current;
        meanSquares[i] = GRADIENT_MEMORY * meanSquares[i]! + (1 - GRADIENT_MEMORY) * gradient * gradient;
        weights[i] = current + (step * gradient) / Math.sqrt(meanSquares[i]! + 1e-8);
      });
      return odds.map((value) => value / norm);
    },
    get weights() {
      return weights;
    },
  };
}
