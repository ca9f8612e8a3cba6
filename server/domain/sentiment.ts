// How a customer felt as they wrote, from the AFINN word list (the `sentiment` package): of the three libraries
// measured on crowd-labelled airline tweets it had the best macro-F1 and is the only one well under the cost a
// question may add at ingest (docs/sentiment.md). The score is AFINN's comparative: the words' valence summed and
// divided by the number of words, so a long calm post is not outweighed by one strong word.
import Afinn from 'sentiment';

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];
export interface Sentiment {
  label: SentimentLabel;
  score: number;
}

/**
 * The neutral band, tuned for macro-F1 on the dev split (docs/sentiment.md): customers writing to a brand rarely
 * praise it by accident, so any net negative word tips a post negative, while positive needs a clear margin
 * (thanks-with-a-complaint posts are common).
 */
export const NEUTRAL_BAND = { below: 0, atLeast: 0.2 };
/** At or below this a post is strongly negative: ~8% of the airline tweets, 93% of them labelled negative. */
export const STRONGLY_NEGATIVE = -0.2;

const afinn = new Afinn();

export function scoreSentiment(text: string): Sentiment {
  const score = afinn.analyze(text).comparative;
  const label = score < NEUTRAL_BAND.below ? 'negative' : score >= NEUTRAL_BAND.atLeast ? 'positive' : 'neutral';
  return { label, score: Math.round(score * 1000) / 1000 };
}

/** Where a new post goes in the queue and when it is due: a strongly negative one first, and sooner if so set. */
export function triage(sentiment: Sentiment, slaMs: number, negativeSlaMs: number | null) {
  const urgent = sentiment.score <= STRONGLY_NEGATIVE;
  return {
    priority: urgent ? 1 : 0,
    slaMs: urgent && negativeSlaMs !== null ? Math.min(slaMs, negativeSlaMs) : slaMs,
  };
}

/** The stored form (questions and messages have the same two columns). */
export const sentimentColumns = (sentiment: Sentiment) => ({
  sentimentLabel: sentiment.label,
  sentimentScore: sentiment.score,
});

export interface CustomerPost {
  at: number;
  label: SentimentLabel | null;
}

/**
 * The customer's feeling around the brand's answer: their latest post up to it and their next one after it (a
 * follow-up or a thank-you). `posts` are the customer's own, oldest first; null where there is none or it was not scored.
 */
export function shiftAround(posts: readonly CustomerPost[], answeredAt: number) {
  const before = posts.findLast((p) => p.at <= answeredAt)?.label ?? null;
  const after = posts.find((p) => p.at > answeredAt)?.label ?? null;
  return { before, after, turned: before === 'negative' && after !== null && after !== 'negative' };
}
