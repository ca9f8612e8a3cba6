// Keeps suspected spam and abuse out of experts' offers: each new question is judged (server/domain/spam.ts) against
// the posts seen in the last day and what managers taught the model; a held question waits, flagged, for a manager
// to dismiss it as spam or release it. Both teach the model (listeners/spam.ts).
import { createHash } from 'node:crypto';
import { createSpamModel, fingerprint, judgeSpam, type SpamVerdict } from '../domain/spam.js';
import type { ReadRepositories } from '../repositories/index.js';

/** The flag a held question carries; the queue's "Suspected spam" lane. */
export const SPAM_FLAG = 'spam';
/** The dismissal reason that teaches the model a post was spam. */
export const SPAM_REASON = 'spam';
const WINDOW_MS = 24 * 3600_000;
/** Fingerprints remembered at most; the oldest go first, so a flood of unique posts cannot grow memory. */
const MAX_FINGERPRINTS = 20_000;
/** Marked examples read back at start, newest first. */
const MAX_EXAMPLES = 2_000;

/** "Spam", or "Spam: …" with details (the dismiss form's preset). */
export const isSpamReason = (reason: string | null | undefined) => /^\s*spam\s*(:|$)/i.test(reason ?? '');

export function createSpamService(examples: ReadRepositories['spamExamples']) {
  const model = createSpamModel();
  const recent = new Map<string, number[]>();

  // Keyed by a digest: a flood of long unique posts must not pin their whole text in memory.
  const keyOf = (print: string) => createHash('sha1').update(print).digest('base64');

  function remember(key: string, times: number[]) {
    recent.delete(key);
    recent.set(key, times);
    if (recent.size > MAX_FINGERPRINTS) {
      const oldest = recent.keys().next().value;
      if (oldest !== undefined) recent.delete(oldest);
    }
  }

  return {
    /** What managers marked before a restart: dismissed as spam, and released or answered as not. */
    async load(): Promise<{ spam: number; ham: number }> {
      for (const { text, reason } of await examples.dismissedWith(SPAM_REASON, MAX_EXAMPLES))
        if (isSpamReason(reason)) model.learn(text, 'spam');
      for (const text of await examples.answered(MAX_EXAMPLES)) model.learn(text, 'ham');
      return model.size();
    },

    /** Judges a post against what was stored in the last day; it is counted once stored (`seen`), not here. */
    check(text: string, now: number): SpamVerdict {
      const print = fingerprint(text);
      const seenBefore = (recent.get(keyOf(print)) ?? []).filter((t) => now - t < WINDOW_MS).length;
      return judgeSpam(text, { seenBefore, learned: model.probability(text), fingerprint: print });
    },

    /** A post was stored (after commit): a rolled-back or retried ingest must not count twice. */
    seen(text: string, at: number) {
      const key = keyOf(fingerprint(text));
      remember(key, [...(recent.get(key) ?? []).filter((t) => at - t < WINDOW_MS), at]);
    },

    learn(text: string, label: 'spam' | 'ham') {
      model.learn(text, label);
    },
  };
}
export type SpamService = ReturnType<typeof createSpamService>;
