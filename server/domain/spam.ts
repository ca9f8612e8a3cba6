// Spam and abuse riding the brand's mentions: what keeps a post out of experts' offers until a manager has looked.
// The rules catch what real support traffic shows (the same promotional text with a link from many posts, link
// lists, hashtag stuffing around a link, threats); a naive Bayes model learns from what managers dismiss as spam and
// from questions they release as not spam. A customer who swears at the brand is angry, not spam: swearing alone is
// never a signal. Measured by `npm run eval:spam` (docs/spam.md).
import { tokenize } from './routing/tokenize.js';

export interface SpamVerdict {
  suspected: boolean;
  /** Why, in words a manager reads on the queue; empty when nothing matched. */
  reasons: string[];
  score: number;
}

const URL = /https?:\/\/\S+/giu;
const HASHTAG = /(^|\s)#[\p{L}\p{N}_]+/gu;
const MENTION = /(^|[^\p{L}\p{N}_])@[\p{L}\p{N}_]+/gu;
const PROMOTION =
  /\b(giveaway|free (followers|gift|iphone|money)|click (the|my) link|earn \$?\d|make money|work from home|crypto|bitcoin|forex|buy now|limited offer|\d+% off|check out my|subscribe to my|visit my|follow (my|our) (page|account|channel))\b|\b(deals?|fares?)\b[^.!?]{0,30}\bfrom \$\d/iu;
// Threats and abuse aimed at a person; "would it kill you to…" is an idiom of an impatient customer, not a threat.
const THREAT =
  /\b(kill (yourself|yourselves)|kys|i('| wi)ll (kill|hurt|find) (you|u)|bomb (the|your)|shoot (up|you))\b/iu;
const SOLICITATION = /\bwe (negotiate|can help you|offer|sell)\b|\bcontact (us|me) (at|on|via)\b/iu;
// A retweet or a quoted post repeats someone else's words by nature: many customers passing on the brand's own post
// is not the same text farmed from many accounts.
const PASSED_ALONG = /(^|\s|[|“"])RT @[\p{L}\p{N}_]+:|[“"]@[\p{L}\p{N}_]+:/u;
const FIRST_PERSON = /\b(i|i'm|im|my|me|we|our|us)\b/iu;

/** The words of a post with its links and mentions removed: the same text sent from many posts has the same one. */
export function fingerprint(text: string): string {
  return text.replace(URL, ' ').replace(MENTION, ' ').toLowerCase().replace(/\s+/g, ' ').trim();
}

export interface SpamContext {
  /** How many earlier posts in the recent window had the same fingerprint. */
  seenBefore: number;
  /** The learned model's probability that a post like this is spam, when it has learned enough. */
  learned: number | null;
  /** The post's fingerprint when the caller already has it. */
  fingerprint?: string;
}

/** Each rule that holds adds its weight; at 1 or more the post is held for a manager. */
export function judgeSpam(text: string, context: SpamContext): SpamVerdict {
  const reasons: string[] = [];
  let score = 0;
  const urls = text.match(URL)?.length ?? 0;
  const hashtags = text.match(HASHTAG)?.length ?? 0;
  const words = context.fingerprint ?? fingerprint(text);
  if (context.seenBefore >= 2 && urls > 0 && words.length >= 20 && !PASSED_ALONG.test(text)) {
    score += 1;
    reasons.push(`the same text with a link came ${context.seenBefore + 1} times recently`);
  }
  if (urls > 0 && (PROMOTION.test(text) || SOLICITATION.test(text))) {
    score += 1;
    reasons.push('a promotion with a link');
  }
  if (urls >= 3 || (urls >= 2 && !FIRST_PERSON.test(words) && words.split(' ').length <= 12)) {
    score += 0.6;
    reasons.push(`${urls} links and few words of its own`);
  }
  if (hashtags >= 5 && urls > 0) {
    score += 0.6;
    reasons.push(`${hashtags} hashtags around a link`);
  }
  if (THREAT.test(text)) {
    score += 1;
    reasons.push('a threat or abuse');
  }
  if (context.learned !== null && context.learned >= 0.9) {
    score += 1;
    reasons.push('like posts managers dismissed as spam');
  } else if (context.learned !== null && context.learned >= 0.7) {
    score += 0.4;
    reasons.push('somewhat like posts managers dismissed as spam');
  }
  return { suspected: score >= 1, reasons, score: Math.round(score * 100) / 100 };
}

/**
 * Naive Bayes over words, from the posts managers marked: spam (dismissed as spam) against ham (released as not
 * spam, or answered). It says nothing until it has seen a few of each, so one dismissal cannot hold back a topic.
 */
export function createSpamModel(minEach = 5, maxVocabulary = 50_000) {
  const counts = { spam: new Map<string, number>(), ham: new Map<string, number>() };
  const totals = { spam: 0, ham: 0 };
  const docs = { spam: 0, ham: 0 };
  const vocabulary = new Set<string>();

  const words = (text: string) => [...new Set(tokenize(fingerprint(text)))];

  return {
    learn(text: string, label: 'spam' | 'ham') {
      docs[label]++;
      for (const word of words(text)) {
        // Past the cap only known words are counted: memory stays bounded however much is learned.
        if (!vocabulary.has(word) && vocabulary.size >= maxVocabulary) continue;
        counts[label].set(word, (counts[label].get(word) ?? 0) + 1);
        vocabulary.add(word);
        totals[label]++;
      }
    },
    /** P(spam | words), or null while either side has fewer than `minEach` examples. */
    probability(text: string): number | null {
      if (docs.spam < minEach || docs.ham < minEach) return null;
      const size = vocabulary.size + 1;
      let logOdds = Math.log(docs.spam / docs.ham);
      for (const word of words(text)) {
        const spam = ((counts.spam.get(word) ?? 0) + 1) / (totals.spam + size);
        const ham = ((counts.ham.get(word) ?? 0) + 1) / (totals.ham + size);
        logOdds += Math.log(spam / ham);
      }
      return 1 / (1 + Math.exp(-logOdds));
    },
    size: () => ({ ...docs }),
  };
}
export type SpamModel = ReturnType<typeof createSpamModel>;
