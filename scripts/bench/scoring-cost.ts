// What judging a question costs at ingest before it is routed: its sentiment (server/domain/sentiment.ts) and the
// spam rules with a trained model (server/domain/spam.ts), in this process, CPU per question over many questions.
import { CANNED_ANSWERS, SAMPLE_QUESTIONS } from '../../dev/demo/catalog.js';
import { scoreSentiment } from '../../server/domain/sentiment.js';
import { createSpamModel, fingerprint, judgeSpam } from '../../server/domain/spam.js';

export interface ScoringCost {
  questions: number;
  sentimentUs: number;
  spamUs: number;
  totalUs: number;
}

function cpuUs(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

export function measureScoringCost(questions: number): ScoringCost {
  const answers = Object.values(CANNED_ANSWERS).flat();
  const texts = Array.from(
    { length: questions },
    (_, i) =>
      `${SAMPLE_QUESTIONS[i % SAMPLE_QUESTIONS.length]} ${answers[(i * 7) % answers.length]?.slice(0, 60) ?? ''} #${i}`,
  );
  const model = createSpamModel();
  for (let i = 0; i < 200; i++) {
    model.learn(`win a free prize ${i} http://t.co/x${i} follow now`, 'spam');
    model.learn(texts[i % texts.length] ?? '', 'ham');
  }
  const spam = (text: string) => {
    const print = fingerprint(text);
    judgeSpam(text, { seenBefore: 0, learned: model.probability(text), fingerprint: print });
  };
  // Warm-up: the JIT, and the sentiment library's word list.
  for (const text of texts.slice(0, 2000)) {
    scoreSentiment(text);
    spam(text);
  }
  const sentimentUs = cpuUs(() => {
    for (const text of texts) scoreSentiment(text);
  });
  const spamUs = cpuUs(() => {
    for (const text of texts) spam(text);
  });
  return {
    questions,
    sentimentUs: Math.round((sentimentUs / questions) * 10) / 10,
    spamUs: Math.round((spamUs / questions) * 10) / 10,
    totalUs: Math.round(((sentimentUs + spamUs) / questions) * 10) / 10,
  };
}
