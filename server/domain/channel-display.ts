// How a question's channel shows in the client: its name in words, the customer as that network writes them, where a
// post opens, and the count its reply counter uses. Shared by the server (GET /api/channels/rules, the question
// view) and the web client, so the counter measures what the server will refuse.
import { type LengthRule, weightedLength, X_LENGTH_RULE } from './attribution.js';
import { graphemeCount, type LengthRuleKind, mastodonLength } from './length-rules.js';

/** The public networks, whose people have handles shown with "@"; any other channel is an API channel. */
const NETWORK_LABELS: Record<string, string> = { x: 'X', bluesky: 'Bluesky', mastodon: 'Mastodon' };

export function isNetwork(channel: string): boolean {
  return Object.hasOwn(NETWORK_LABELS, channel);
}

/** "X", "Bluesky", "Mastodon"; an API channel by its own name ("email"). */
export function channelLabel(channel: string): string {
  return NETWORK_LABELS[channel] ?? channel;
}

/**
 * The customer as their network writes them: `@handle` on X, `@user@domain` on Mastodon (a remote acct carries its
 * domain already), `@alice.bsky.social` on Bluesky. An API channel's handle is shown as given: an "@" in front of an
 * email address or a chat name would be a handle that does not exist.
 */
export function displayHandle(channel: string, handle: string): string {
  if (!isNetwork(channel) || handle.startsWith('@')) return handle;
  return `@${handle}`;
}

/** The kind of count a rule makes; a rule without one is X's, the rule the server applies to unknown channels. */
export function ruleKind(rule: LengthRule): LengthRuleKind {
  const kind = (rule as { kind?: unknown }).kind;
  return kind === 'graphemes' || kind === 'mastodon' ? kind : 'x-weighted';
}

/** What the client needs to count like the server: the kind, the limit and the unit in words. */
export interface LengthRuleInfo {
  kind: LengthRuleKind;
  max: number;
  unit: string;
}

export function ruleInfo(rule: LengthRule): LengthRuleInfo {
  return { kind: ruleKind(rule), max: rule.max, unit: rule.unit };
}

export const X_RULE_INFO: LengthRuleInfo = ruleInfo(X_LENGTH_RULE);

/** The measure behind a rule's kind: the same functions the server's adapters count with. */
export function measureFor(kind: LengthRuleKind): (text: string) => number {
  if (kind === 'graphemes') return graphemeCount;
  if (kind === 'mastodon') return mastodonLength;
  return weightedLength;
}

/** A rule rebuilt from what the server sent (GET /api/channels/rules, a question's `channelInfo`). */
export function ruleFromInfo(info: LengthRuleInfo): LengthRule {
  return { max: info.max, unit: info.unit, measure: measureFor(info.kind) };
}

export function xPostUrl(postId: string): string {
  return `https://x.com/i/web/status/${encodeURIComponent(postId)}`;
}

const AT_POST_URI = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/?#]+)$/;

/** A post's at:// URI (`at://<did>/app.bsky.feed.post/<rkey>`) as the address bsky.app opens; null for another. */
export function blueskyPostUrl(atUri: string): string | null {
  const match = AT_POST_URI.exec(atUri);
  if (!match) return null;
  const [, repo, rkey] = match as unknown as [string, string, string];
  return `https://bsky.app/profile/${encodeURIComponent(repo)}/post/${encodeURIComponent(rkey)}`;
}
