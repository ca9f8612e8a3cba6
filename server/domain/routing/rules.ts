import { tokenize } from './tokenize.js';
import type { TagRule } from './types.js';

export const EXACT_CONFIDENCE = 0.9;
export const FUZZY_CONFIDENCE = 0.6;
const MIN_FUZZY_LENGTH = 5;

interface Phrase {
  slug: string;
  tokens: string[];
}

export interface CompiledRules {
  byFirstToken: Map<string, Phrase[]>;
  fuzzy: Map<string, { slug: string; word: string }[]>;
}

export function compileRules(rules: readonly TagRule[]): CompiledRules {
  const byFirstToken = new Map<string, Phrase[]>();
  const fuzzy = new Map<string, { slug: string; word: string }[]>();
  for (const rule of rules) {
    for (const keyword of rule.keywords) {
      const tokens = tokenize(keyword);
      if (tokens.length === 0) continue;
      append(byFirstToken, tokens[0]!, { slug: rule.slug, tokens });
      if (tokens.length === 1 && tokens[0]!.length >= MIN_FUZZY_LENGTH && !/\d/.test(tokens[0]!)) {
        for (const variant of deletionVariants(tokens[0]!))
          append(fuzzy, variant, { slug: rule.slug, word: tokens[0]! });
      }
    }
  }
  return { byFirstToken, fuzzy };
}

/** Tag → confidence from whole-word and phrase hits; a single typo (one letter missing, extra, wrong or swapped) counts for less. */
export function matchRules(compiled: CompiledRules, tokens: readonly string[]): Map<string, number> {
  const hits = new Map<string, number>();
  const hit = (slug: string, confidence: number) => hits.set(slug, 1 - (1 - (hits.get(slug) ?? 0)) * (1 - confidence));
  tokens.forEach((token, i) => {
    let exact = false;
    for (const phrase of compiled.byFirstToken.get(token) ?? []) {
      if (phrase.tokens.every((part, j) => tokens[i + j] === part)) {
        hit(phrase.slug, EXACT_CONFIDENCE);
        exact = true;
      }
    }
    if (exact || token.length < MIN_FUZZY_LENGTH || compiled.fuzzy.size === 0) return;
    const fuzzySlugs = new Set<string>();
    for (const variant of deletionVariants(token)) {
      for (const entry of compiled.fuzzy.get(variant) ?? []) {
        if (entry.word !== token) fuzzySlugs.add(entry.slug);
      }
    }
    for (const slug of fuzzySlugs) hit(slug, FUZZY_CONFIDENCE);
  });
  for (const [slug, confidence] of hits) hits.set(slug, Math.min(0.99, confidence));
  return hits;
}

function deletionVariants(word: string): string[] {
  const variants = [word];
  for (let i = 0; i < word.length; i++) variants.push(word.slice(0, i) + word.slice(i + 1));
  return variants;
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
