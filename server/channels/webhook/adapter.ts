// An API channel (email, chat, a helpdesk bridge) whose replies go out as signed POSTs to the address its admin
// configured. A webhook cannot be asked whether it already received something, so a retry after a lost answer sends
// again with the same Idempotency-Key and body id, and the receiver dedupes on them (docs/channels.md, "Webhooks").
import { PostError, type ChannelAdapter, type OutgoingPost } from '../channel.js';
import type { Clock } from '../../domain/clock.js';
import { graphemeRule } from '../../domain/length-rules.js';
import { EXTERNAL_ID_MAX } from '../../contracts/api.js';
import { AddressRefused, type WebhookAnswer } from './sender.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';

/** As much as a reply body may hold with its signature: the receiver, not a public network, sets no lower limit. */
export const WEBHOOK_LENGTH_RULE = graphemeRule(2200);

export interface WebhookTarget {
  url: string;
  /** The secrets that sign, the current one first (the previous one too while a rotation is fresh). */
  secrets: readonly string[];
}

interface Deps {
  channel: string;
  clock: Clock;
  /** The address and secrets as they are at the moment of sending, so a rotation takes effect at once. */
  target: () => WebhookTarget;
  send: (url: string, headers: Record<string, string>, body: string) => Promise<WebhookAnswer>;
  /** The question a reply answers, for the receiver's bookkeeping. */
  questionOf: (replyId: string) => Promise<string | undefined>;
}

/** When to try again as the receiver asked: Retry-After in seconds or as an HTTP date. */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return null;
  if (/^\d+$/.test(raw.trim())) return now + Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(at, now);
}

/** The receiver's own id for the delivery when it answers `{"id": "…"}`, so a follow-up naming it finds the thread. */
function receiverId(body: string): string | null {
  try {
    const parsed: unknown = JSON.parse(body);
    const id = (parsed as { id?: unknown } | null)?.id;
    return typeof id === 'string' && id.length > 0 && id.length <= EXTERNAL_ID_MAX ? id : null;
  } catch {
    return null;
  }
}

function outcome(answer: WebhookAnswer, key: string, now: number): { externalId: string } {
  const { status } = answer;
  if (status >= 200 && status < 300) return { externalId: receiverId(answer.body) ?? key };
  const said = `the webhook answered ${status}`;
  const retryAt = status === 429 || status >= 500 ? retryAfterMs(answer.headers['retry-after'], now) : null;
  if (retryAt !== null) throw new PostError('rate_limited', said, retryAt);
  if (status === 408 || status === 429 || status >= 500) throw new PostError('transient', said);
  // A redirect is not followed: the signed body would go somewhere nobody configured.
  throw new PostError(
    'permanent',
    status >= 300 && status < 400 ? `${said} (a redirect; set the final address)` : said,
  );
}

export function createWebhookAdapter({ channel, clock, target, send, questionOf }: Deps): ChannelAdapter {
  return {
    name: channel,
    length: WEBHOOK_LENGTH_RULE,

    async post(item: OutgoingPost) {
      const { url, secrets } = target();
      const body = JSON.stringify({
        id: item.key,
        questionId: await questionOf(item.key),
        channel,
        inReplyTo: item.inReplyTo,
        text: item.text,
        createdAt: new Date(item.notBefore).toISOString(),
      });
      const now = clock.now();
      let answer: WebhookAnswer;
      try {
        answer = await send(
          url,
          { [SIGNATURE_HEADER]: signatureHeader(secrets, now, body), 'Idempotency-Key': item.key },
          body,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof AddressRefused) throw new PostError('permanent', `address refused: ${message}`);
        throw new PostError('transient', `the webhook did not answer: ${message}`);
      }
      return outcome(answer, item.key, now);
    },

    // Nothing to ask: the same Idempotency-Key on the next attempt is what keeps the delivery single.
    async findExisting() {
      return null;
    },
  };
}
