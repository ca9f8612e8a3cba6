/**
 * Makes a tag's confidence mean what it says: of the tags shown at 0.8, about eight in ten are right. Raw scores
 * (a keyword hit, a naive Bayes posterior) are ranked well but are not probabilities, so each source keeps a
 * reliability table learned from the questions whose tags a person set: per bin of raw score, how often the tag was
 * among the person's. A bin with little evidence stays near the raw score (a pseudo-count prior), and the table is
 * kept non-decreasing (pool adjacent violators), so a higher raw score never reads as less likely.
 */
const BINS = 10;
const PRIOR_WEIGHT = 8;

interface Table {
  hits: Float64Array;
  seen: Float64Array;
  curve: Float64Array | null;
}

const binOf = (raw: number) => Math.min(BINS - 1, Math.max(0, Math.floor(raw * BINS)));
const binCentre = (bin: number) => (bin + 0.5) / BINS;

export interface Calibrator<Source extends string = string> {
  observe(source: Source, raw: number, correct: boolean): void;
  calibrate(source: Source, raw: number): number;
  /** How many judged predictions the source's table holds. */
  evidence(source: Source): number;
}

export function createCalibrator<Source extends string = string>(): Calibrator<Source> {
  const tables = new Map<Source, Table>();
  const table = (source: Source) => {
    let found = tables.get(source);
    if (!found)
      tables.set(source, (found = { hits: new Float64Array(BINS), seen: new Float64Array(BINS), curve: null }));
    return found;
  };

  return {
    observe(source, raw, correct) {
      const t = table(source);
      const bin = binOf(raw);
      t.seen[bin]! += 1;
      if (correct) t.hits[bin]! += 1;
      t.curve = null;
    },
    calibrate(source, raw) {
      const t = tables.get(source);
      if (!t) return raw;
      t.curve ??= monotoneCurve(t);
      // Between bin centres the curve is interpolated, so nearby raw scores keep their order.
      const position = Math.min(BINS - 1, Math.max(0, raw * BINS - 0.5));
      const low = Math.floor(position);
      const high = Math.min(BINS - 1, low + 1);
      const share = position - low;
      return t.curve[low]! * (1 - share) + t.curve[high]! * share;
    },
    evidence(source) {
      const t = tables.get(source);
      return t ? t.seen.reduce((a, b) => a + b, 0) : 0;
    },
  };
}

function monotoneCurve({ hits, seen }: Table): Float64Array {
  const values: number[] = [];
  const weights: number[] = [];
  const members: number[][] = [];
  for (let bin = 0; bin < BINS; bin++) {
    const weight = seen[bin]! + PRIOR_WEIGHT;
    let value = (hits[bin]! + PRIOR_WEIGHT * binCentre(bin)) / weight;
    let group = [bin];
    let w = weight;
    while (values.length > 0 && values[values.length - 1]! > value) {
      const previousWeight = weights.pop()!;
      value = (values.pop()! * previousWeight + value * w) / (previousWeight + w);
      w += previousWeight;
      group = [...members.pop()!, ...group];
    }
    values.push(value);
    weights.push(w);
    members.push(group);
  }
  const curve = new Float64Array(BINS);
  members.forEach((group, i) => {
    for (const bin of group) curve[bin] = values[i]!;
  });
  return curve;
}
