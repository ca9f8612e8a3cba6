// The three sentiment libraries ship no types; only what Helpforce and scripts/eval-sentiment.ts call is declared.
declare module 'vader-sentiment' {
  interface PolarityScores {
    neg: number;
    neu: number;
    pos: number;
    compound: number;
  }
  const vader: { SentimentIntensityAnalyzer: { polarity_scores(text: string): PolarityScores } };
  export default vader;
}

declare module 'wink-sentiment' {
  export default function wink(text: string): { score: number; normalizedScore: number };
}

declare module 'sentiment' {
  export default class Sentiment {
    analyze(text: string): { score: number; comparative: number };
  }
}
