// The public text of a reply: the expert's words plus their signature, counted the way X counts (twitter-text:
// URLs weigh 23, CJK and emoji 2). Shared with the web client so the live counter and the server always agree.
import twitterText from 'twitter-text';

export const MAX_WEIGHTED_LENGTH = 280;
export const DEFAULT_ATTRIBUTION_TEMPLATE = '{text} ^{signature}';

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

export function buildPreview(text: string, signature: string, template = DEFAULT_ATTRIBUTION_TEMPLATE): Preview {
  const preview = renderAttribution(text, signature, template);
  const length = weightedLength(preview);
  return {
    preview,
    weightedLength: length,
    fits: text.trim().length > 0 && length <= MAX_WEIGHTED_LENGTH,
    remaining: MAX_WEIGHTED_LENGTH - length,
  };
}
