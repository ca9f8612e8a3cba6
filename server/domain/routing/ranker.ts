import { FEATURES } from './features.js';
import { seededRandom } from '../random.js';

const LEARNING_RATE = 0.01;
const GRADIENT_MEMORY = 0.999;
const L2 = 1e-4;

/**
 * A small network beside the linear combination: one hidden layer over the same feature vector, its output added to
 * the score. It carries what a sum of features cannot (one signal mattering only when another is high), which a
 * large history has the answers to fit; on a young site it would fit noise, so its step grows from 0 over the first
 * NETWORK_RAMP answers and it starts out saying nothing (output weights 0). Measured on the routing development sets
 * (docs/architecture.md, "Routing quality", issue 21 rounds 4 and 5):
 * - 8 units: enough for the later-GIS set's gain; a unit costs 25 multiply-adds per scored expert.
 * - step 0.01, the linear weights' own: 0.003 gained less on the later-GIS set, 0.03 no more.
 * - ramp 20,000 answers: at 5,000 the 2,000- and 4,000-question young sites still lost what the per-expert biases
 *   won them; at 20,000 they stay as without the network and the large histories keep the gain.
 * - inner weights drawn within ±0.1 from a fixed seed, so the replay of the same history gives the same model.
 */
const HIDDEN_UNITS = 8;
const NETWORK_RATE = 0.01;
const NETWORK_RAMP = 20_000;
const NETWORK_INIT = 0.1;
const NETWORK_SEED = 12345;

/**
 * A log-linear combination of the learned features plus the small network above, fitted online: each answer is one
 * softmax step that raises the real answerer against a few sampled experts. Step sizes are normalised per weight by
 * a running average of squared gradients (RMSProp), so the weights keep tracking a site whose habits drift.
 */
export interface OnlineRanker {
  score(features: readonly number[]): number;
  /** Each feature's linear part, then the network's output as one more entry (index FEATURES.length). */
  contributions(features: readonly number[]): number[];
  /** One step; returns each one's probability under the weights before it (the positive first), [] if none taken. */
  update(positive: readonly number[], negatives: readonly (readonly number[])[], weight?: number): number[];
  readonly weights: readonly number[];
  /** The network's output for this feature vector (0 until it has learned). */
  network(features: readonly number[]): number;
}

export function createOnlineRanker(): OnlineRanker {
  const width = FEATURES.length;
  const row = width + 1; // each unit's weights over the features, then its own bias
  const weights = FEATURES.map((feature) => feature.initialWeight);
  const meanSquares = FEATURES.map(() => 1);
  const random = seededRandom(NETWORK_SEED);
  const inner = new Float64Array(HIDDEN_UNITS * row).map(() => (2 * random() - 1) * NETWORK_INIT);
  const outer = new Float64Array(HIDDEN_UNITS);
  const innerSquares = new Float64Array(inner.length).fill(1);
  const outerSquares = new Float64Array(HIDDEN_UNITS).fill(1);
  const innerGradient = new Float64Array(inner.length);
  const outerGradient = new Float64Array(HIDDEN_UNITS);
  let activations = new Float64Array(0);
  let updates = 0;

  /** The network's output; each unit's activation is written to `into` at `at` when given. */
  const network = (features: readonly number[], into?: Float64Array, at = 0) => {
    let out = 0;
    for (let h = 0; h < HIDDEN_UNITS; h++) {
      const base = h * row;
      let sum = inner[base + width]!;
      for (let i = 0; i < width; i++) sum += inner[base + i]! * features[i]!;
      const value = Math.tanh(sum);
      if (into) into[at + h] = value;
      out += outer[h]! * value;
    }
    return out;
  };
  const linear = (features: readonly number[]) => {
    let sum = 0;
    for (let i = 0; i < features.length; i++) sum += features[i]! * weights[i]!;
    return sum;
  };
  const score = (features: readonly number[]) => linear(features) + network(features);

  const stepNetwork = (all: readonly (readonly number[])[], gradients: readonly number[], step: number) => {
    innerGradient.fill(0);
    outerGradient.fill(0);
    for (let j = 0; j < all.length; j++) {
      const g = gradients[j]!;
      const features = all[j]!;
      for (let h = 0; h < HIDDEN_UNITS; h++) {
        const value = activations[j * HIDDEN_UNITS + h]!;
        outerGradient[h] = outerGradient[h]! + g * value;
        const back = g * outer[h]! * (1 - value * value);
        if (back === 0) continue;
        const base = h * row;
        for (let i = 0; i < width; i++) innerGradient[base + i] = innerGradient[base + i]! + back * features[i]!;
        innerGradient[base + width] = innerGradient[base + width]! + back;
      }
    }
    for (let k = 0; k < inner.length; k++) {
      const gradient = innerGradient[k]! - L2 * inner[k]!;
      innerSquares[k] = GRADIENT_MEMORY * innerSquares[k]! + (1 - GRADIENT_MEMORY) * gradient * gradient;
      inner[k] = inner[k]! + (step * gradient) / Math.sqrt(innerSquares[k]! + 1e-8);
    }
    for (let h = 0; h < HIDDEN_UNITS; h++) {
      const gradient = outerGradient[h]! - L2 * outer[h]!;
      outerSquares[h] = GRADIENT_MEMORY * outerSquares[h]! + (1 - GRADIENT_MEMORY) * gradient * gradient;
      outer[h] = outer[h]! + (step * gradient) / Math.sqrt(outerSquares[h]! + 1e-8);
    }
  };

  return {
    score,
    network: (features) => network(features),
    contributions: (features) => [...features.map((value, i) => value * weights[i]!), network(features)],
    update(positive, negatives, weight = 1) {
      if (negatives.length === 0 || !(weight > 0)) return [];
      const all = [positive, ...negatives];
      if (activations.length < all.length * HIDDEN_UNITS) activations = new Float64Array(all.length * HIDDEN_UNITS);
      const scores = all.map((features, j) => linear(features) + network(features, activations, j * HIDDEN_UNITS));
      const top = Math.max(...scores);
      const odds = scores.map((value) => Math.exp(value - top));
      const norm = odds.reduce((a, b) => a + b, 0);
      const probabilities = odds.map((value) => value / norm);
      const step = LEARNING_RATE * Math.min(weight, 2);
      updates++;
      stepNetwork(
        all,
        probabilities.map((p, j) => (j === 0 ? 1 : 0) - p),
        NETWORK_RATE * Math.min(weight, 2) * Math.min(1, updates / NETWORK_RAMP),
      );
      weights.forEach((current, i) => {
        const expected = all.reduce((sum, features, j) => sum + probabilities[j]! * features[i]!, 0);
        const gradient = positive[i]! - expected - L2 * current;
        meanSquares[i] = GRADIENT_MEMORY * meanSquares[i]! + (1 - GRADIENT_MEMORY) * gradient * gradient;
        weights[i] = current + (step * gradient) / Math.sqrt(meanSquares[i]! + 1e-8);
      });
      return probabilities;
    },
    get weights() {
      return weights;
    },
  };
}
