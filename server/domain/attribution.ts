// The public text of a reply: the expert's words plus their signature, measured the way the question's network
// counts. X's rule (twitter-text: URLs weigh 23, CJK and emoji 2) is shared with the web client so the live counter
// and the server always agree.
import twitterText from 'twitter-text';

export const MAX_WEIGHTED_LENGTH = 280;
export const DEFAULT_ATTRIBUTION_TEMPLATE = '{text} ^{signature}';

/** How one network counts a post: each channel adapter carries one. */
export interface LengthRule {
  /** The most a post may hold, in the network's own count. */
  max: number;
  /** The length as the network counts it, links included (X and Mastodon count any URL as 23). */
  measure(text: string): number;
  /** The count in words a person reads in an error: "characters as X counts them". */
  unit: string;
}

export interface Preview {
  preview: string;
  weightedLength: number;
  fits: boolean;
  remaining: number;
}

export function renderAttribution(text: string, signature: string, template = DEFAULT_ATTRIBUTION_TEMPLATE): string {
  const body = text.trim();
  return template
    .replace(/\{(text|signature)\}/g, (_, key: string) => (key === 'text' ? body : signature.trim()))
    .trim();
}

export function weightedLength(text: string): number {
  return twitterText.parseTweet(text.normalize('NFC')).weightedLength;
}

export const X_LENGTH_RULE: LengthRule = {
  max: MAX_WEIGHTED_LENGTH,
  measure: weightedLength,
  unit: 'characters as X counts them',
};

export function buildPreview(
  text: string,
  signature: string,
  template = DEFAULT_ATTRIBUTION_TEMPLATE,
  rule: LengthRule = X_LENGTH_RULE,
): Preview {
  const preview = renderAttribution(text, signature, template);
  const length = rule.measure(preview);
  return {
    preview,
    weightedLength: length,
    fits: text.trim().length > 0 && length <= rule.max,
    remaining: rule.max - length,
  };
}
