// How each network counts a post, shared by the server (a reply that does not fit is refused) and the web client
// (the counter under the reply box). X's weighted count is in attribution.ts (twitter-text).
import type { LengthRule } from './attribution.js';

/** What the client needs to count like the server: the kind of rule and its limit. */
export type LengthRuleKind = 'x-weighted' | 'graphemes' | 'mastodon';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** User-perceived characters: an emoji with modifiers or a flag is one. */
export function graphemeCount(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/** Bluesky counts graphemes (300 per post). */
export function graphemeRule(max: number): LengthRule & { kind: LengthRuleKind } {
  return { kind: 'graphemes', max, measure: graphemeCount, unit: 'characters (graphemes)' };
}

const URL_PATTERN = /https?:\/\/[^\s<>"]+/giu;
const REMOTE_MENTION = /(^|[^\p{L}\p{N}_])@([a-z0-9_]+)@[a-z0-9.-]+\.[a-z]{2,}/giu;

/**
 * Mastodon counts characters, with every URL as 23 whatever its length, and a remote mention (`@user@domain`) as
 * its local part only; the limit is the instance's own (`configuration.statuses.max_characters`, 500 by default).
 */
export function mastodonLength(text: string): number {
  const counted = text.replace(URL_PATTERN, 'x'.repeat(23)).replace(REMOTE_MENTION, '$1@$2');
  return [...counted].length;
}

export function mastodonRule(max = 500): LengthRule & { kind: LengthRuleKind } {
  return { kind: 'mastodon', max, measure: mastodonLength, unit: 'characters as Mastodon counts them' };
}
