import { createCalibrator, type Calibrator } from './calibration.js';
import { compileRules, matchRules, type CompiledRules } from './rules.js';
import type { TagModel } from './tag-model.js';
import { isContentTerm, tokenize } from './tokenize.js';
import type { TagRule, TagScore } from './types.js';

export interface Classifier {
  classify(text: string, rules: readonly TagRule[]): TagScore[];
  /**
   * A person set these tags on this text: what the classifier would have said (with the rules it last classified
   * with) is judged against them. Call it before the model learns the text.
   */
  observe(text: string, tags: readonly string[]): void;
}

/** Where a raw score came from; each has its own reliability table. */
type Evidence = 'rules' | 'model' | 'both';
interface RawScore {
  slug: string;
  raw: number;
  evidence: Evidence;
}

/**
 * Rule hits and model predictions for one text. A tag both sources agree on keeps the rule as its source (a CM can
 * read why). Each kind of evidence (a rule alone, the model alone, both) is calibrated against the tags people set,
 * so the confidence shown is the share of such tags that were right.
 */
export function createClassifier(
  model: TagModel,
  calibrator: Calibrator<Evidence> = createCalibrator<Evidence>(),
): Classifier {
  let cachedSignature = '';
  let cachedRules: CompiledRules = compileRules([]);
  let lastRules: readonly TagRule[] | null = null;

  const compiled = (rules: readonly TagRule[]) => {
    // The same array again (the tag service keeps one until tags change) needs no signature.
    if (rules === lastRules) return cachedRules;
    lastRules = rules;
    const signature = JSON.stringify(rules.map((rule) => [rule.slug, rule.keywords]));
    if (signature !== cachedSignature) {
      cachedRules = compileRules(rules);
      cachedSignature = signature;
    }
    return cachedRules;
  };

  const rawScores = (text: string, rules: CompiledRules): RawScore[] => {
    const tokens = tokenize(text);
    const scores = new Map<string, RawScore>();
    for (const [slug, confidence] of matchRules(rules, tokens))
      scores.set(slug, { slug, raw: confidence, evidence: 'rules' });
    for (const { slug, confidence } of model.predict(tokens.filter(isContentTerm))) {
      const fromRules = scores.get(slug);
      scores.set(
        slug,
        fromRules
          ? { slug, raw: 1 - (1 - fromRules.raw) * (1 - confidence), evidence: 'both' }
          : { slug, raw: confidence, evidence: 'model' },
      );
    }
    return [...scores.values()];
  };

  return {
    classify(text, rules) {
      return rawScores(text, compiled(rules))
        .map(
          ({ slug, raw, evidence }): TagScore => ({
            slug,
            confidence: round(calibrator.calibrate(evidence, raw)),
            source: evidence === 'model' ? 'model' : 'rules',
          }),
        )
        .filter((score) => score.confidence >= MIN_SHOWN_CONFIDENCE)
        .sort((a, b) => b.confidence - a.confidence || (a.slug < b.slug ? -1 : 1));
    },
    observe(text, tags) {
      const truth = new Set(tags);
      for (const { slug, raw, evidence } of rawScores(text, cachedRules))
        calibrator.observe(evidence, raw, truth.has(slug));
    },
  };
}

/** Below this a tag is noise: it would send a question to review or to the wrong experts more often than not by far. */
export const MIN_SHOWN_CONFIDENCE = 0.15;

const round = (value: number) => Math.round(value * 1000) / 1000;
