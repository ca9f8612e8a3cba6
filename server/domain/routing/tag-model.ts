const ALPHA = 0.1;
const MAX_TAGS = 5;
const MIN_CONFIDENCE = 0.15;

export interface TagPrediction {
  slug: string;
  confidence: number;
}

/**
 * Multinomial naive Bayes over content terms, learned one tagged question at a time. Its posterior assumes one
 * tag per question, so it is spread over the typical number of tags a question carries to read as "probability
 * this tag applies", and tempered by question length because naive Bayes grows overconfident with every word.
 */
export interface TagModel {
  learn(terms: readonly string[], tags: readonly string[]): void;
  predict(terms: readonly string[]): TagPrediction[];
  readonly documents: number;
}

export function createTagModel(): TagModel {
  const tagIds = new Map<string, number>();
  const tagNames: string[] = [];
  const tagDocuments: number[] = [];
  const tagTermTotals: number[] = [];
  const termTags = new Map<string, Map<number, number>>();
  let documents = 0;
  let tagAssignments = 0;

  const tagId = (slug: string) => {
    let id = tagIds.get(slug);
    if (id === undefined) {
      id = tagNames.length;
      tagIds.set(slug, id);
      tagNames.push(slug);
      tagDocuments.push(0);
      tagTermTotals.push(0);
    }
    return id;
  };

  return {
    learn(terms, tags) {
      const ids = [...new Set(tags)].map(tagId);
      if (ids.length === 0) return;
      documents += 1;
      tagAssignments += ids.length;
      for (const id of ids) {
        tagDocuments[id]! += 1;
        tagTermTotals[id]! += terms.length;
      }
      for (const term of terms) {
        let counts = termTags.get(term);
        if (!counts) termTags.set(term, (counts = new Map()));
        for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    },
    predict(terms) {
      const known = terms.filter((term) => termTags.has(term));
      if (documents === 0 || known.length === 0) return [];
      const smoothing = ALPHA * termTags.size;
      const logits = new Float64Array(tagNames.length);
      for (let id = 0; id < logits.length; id++) {
        logits[id] = Math.log(tagDocuments[id]! / documents) - known.length * Math.log(tagTermTotals[id]! + smoothing);
      }
      for (const term of known) {
        for (const [id, count] of termTags.get(term)!) logits[id]! += Math.log((count + ALPHA) / ALPHA);
      }
      const temperature = Math.sqrt(known.length);
      const top = logits.reduce((a, b) => Math.max(a, b), -Infinity);
      let norm = 0;
      for (let id = 0; id < logits.length; id++) norm += logits[id] = Math.exp((logits[id]! - top) / temperature);
      const spread = tagAssignments / documents / norm;
      const predictions: TagPrediction[] = [];
      logits.forEach((weight, id) => {
        const confidence = Math.min(0.95, weight * spread);
        if (confidence >= MIN_CONFIDENCE) predictions.push({ slug: tagNames[id]!, confidence });
      });
      return predictions.sort((a, b) => b.confidence - a.confidence || (a.slug < b.slug ? -1 : 1)).slice(0, MAX_TAGS);
    },
    get documents() {
      return documents;
    },
  };
}
