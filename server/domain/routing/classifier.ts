import { compileRules, matchRules, type CompiledRules } from './rules.js';
import type { TagModel } from './tag-model.js';
import { isContentTerm, tokenize } from './tokenize.js';
import type { TagRule, TagScore } from './types.js';

export interface Classifier {
  classify(text: string, rules: readonly TagRule[]): TagScore[];
}

/**
 * Rule hits and model predictions for one text. A tag both sources agree on keeps the rule as its source (a CM can
 * read why) with the two confidences combined as independent evidence.
 */
export function createClassifier(model: TagModel): Classifier {
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

  return {
    classify(text, rules) {
      const tokens = tokenize(text);
      const byRules = matchRules(compiled(rules), tokens);
      const scores = new Map<string, TagScore>();
      for (const [slug, confidence] of byRules) scores.set(slug, { slug, confidence, source: 'rules' });
      for (const { slug, confidence } of model.predict(tokens.filter(isContentTerm))) {
        const fromRules = scores.get(slug);
        scores.set(slug, fromRules
          ? { slug, confidence: 1 - (1 - fromRules.confidence) * (1 - confidence), source: 'rules' }
          : { slug, confidence, source: 'model' });
      }
      return [...scores.values()]
        .map((score) => ({ ...score, confidence: round(score.confidence) }))
        .sort((a, b) => b.confidence - a.confidence || (a.slug < b.slug ? -1 : 1));
    },
  };
}

const round = (value: number) => Math.round(value * 1000) / 1000;
