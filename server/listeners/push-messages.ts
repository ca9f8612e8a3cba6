// What each notification says. Pure: a question summary (and a few facts) in, a payload and its delivery options out.
//
// URL: the web client routes `#/view/param` (web/src/main.ts), and a question opens at `#/q/<id>`, where an offered
// expert finds the Claim button; so every question notification opens `/#/q/<id>`. A query string is not used: the
// client's router would read it as part of the id.
import type { QuestionSummary } from '../contracts/api.js';
import type { AlertEvent, PushMessageType, PushPayload } from '../contracts/push.js';

export interface OutgoingMessage {
  payload: PushPayload;
  /** The push service's Topic: a newer message with the same topic replaces one not yet delivered. */
  topic: string;
  urgency: 'normal' | 'high';
  ttlSeconds: number;
}

const HOUR_S = 3600;
const DAY_S = 24 * HOUR_S;
const EXCERPT = 140;

/** One topic per question (topics are at most 32 URL-safe characters; ids are 23 base-36 characters). */
export const questionTopic = (questionId: string) => `q${questionId}`.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32);
export const questionUrl = (questionId: string) => `/#/q/${encodeURIComponent(questionId)}`;

export function excerpt(text: string, max = EXCERPT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

const tagList = (question: QuestionSummary) => question.tags.map((t) => `#${t.slug}`).join(' ');

function about(
  type: PushMessageType,
  question: QuestionSummary,
  title: string,
  body: string,
  urgency: 'normal' | 'high',
  ttlSeconds: number,
): OutgoingMessage {
  const topic = questionTopic(question.id);
  return {
    payload: { type, questionId: question.id, title, body, url: questionUrl(question.id), tag: topic },
    topic,
    urgency,
    ttlSeconds: Math.max(1, Math.round(ttlSeconds)),
  };
}

function minutesLeft(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** A new offer: it lives as long as the offer, so a phone that comes back online later is not shown a stale one. */
export function offerMessage(question: QuestionSummary, expiresAt: number, now: number): OutgoingMessage {
  const left = expiresAt - now;
  const tags = tagList(question);
  const message = about(
    'offer',
    question,
    `New question from @${question.author.handle}`,
    `“${excerpt(question.text)}”${tags ? `\n${tags}` : ''}\n${minutesLeft(left)} left to claim`,
    'high',
    left / 1000,
  );
  message.payload.expiresAt = new Date(expiresAt).toISOString();
  return message;
}

/** Replaces an offer someone else took: the service worker closes the notification it replaces. */
export function withdrawnMessage(
  question: QuestionSummary,
  winnerName: string | null,
  ttlSeconds: number,
): OutgoingMessage {
  const body =
    question.status === 'dismissed'
      ? `No answer needed for “${excerpt(question.text, 60)}”`
      : `${winnerName ?? 'A colleague'} is answering “${excerpt(question.text, 60)}”`;
  return about(
    'offer.withdrawn',
    question,
    question.status === 'dismissed' ? 'Question closed' : 'Question taken',
    body,
    'high',
    ttlSeconds,
  );
}

export function assignedMessage(question: QuestionSummary, by: string | null, note: string | null): OutgoingMessage {
  const body = `“${excerpt(question.text)}”${note ? `\n${by ?? 'A colleague'}: ${excerpt(note, 120)}` : ''}`;
  return about(
    'assigned',
    question,
    by ? `${by} handed you a question` : 'A question was assigned to you',
    body,
    'normal',
    DAY_S,
  );
}

export function mentionMessage(question: QuestionSummary, from: string, text: string): OutgoingMessage {
  return about('mention', question, `${from} mentioned you`, excerpt(text), 'normal', DAY_S);
}

export function reviewMessage(
  question: QuestionSummary,
  approved: boolean,
  feedback: string | null,
  editedBy: string | null = null,
): OutgoingMessage {
  return approved
    ? about(
        'reply.approved',
        question,
        editedBy ? `${editedBy} edited your answer and approved it` : 'Your answer was approved',
        editedBy
          ? `It goes to @${question.author.handle} under your signature as edited: open it to see the change.`
          : `It is on its way to @${question.author.handle}.`,
        'normal',
        DAY_S,
      )
    : about(
        'reply.rejected',
        question,
        'Your answer needs changes',
        feedback ? excerpt(feedback, 200) : 'See the reviewer’s feedback.',
        'normal',
        DAY_S,
      );
}

const ALERT_TITLES: Record<AlertEvent, string> = {
  'question.escalated': 'Escalated: nobody claimed it',
  'sla.at_risk': 'SLA at risk',
  'sla.breached': 'SLA breached',
  'post.failed': 'Reply failed to post',
};

/** Managers' alerts; each is also what the chat webhook says. */
export function alertMessage(
  event: AlertEvent,
  question: QuestionSummary,
  detail: string | null,
  now: number,
): OutgoingMessage {
  const due = Date.parse(question.slaDueAt) - now;
  const when =
    event === 'sla.at_risk'
      ? `\nDue in ${minutesLeft(due)}`
      : event === 'sla.breached'
        ? `\nOverdue by ${minutesLeft(-due)}`
        : '';
  const body = `“${excerpt(question.text, 120)}” from @${question.author.handle}${when}${detail ? `\n${excerpt(detail, 120)}` : ''}`;
  const urgent = event !== 'sla.at_risk';
  return about(
    event,
    question,
    ALERT_TITLES[event],
    body,
    urgent ? 'high' : 'normal',
    event === 'post.failed' ? DAY_S : HOUR_S,
  );
}

/**
 * Slack's control sequences (`<!channel>`, `<url|label>`) are written with angle brackets, so a customer's words must
 * have theirs escaped, or a public post could ping the whole desk channel or show a disguised link there.
 */
export const escapeChatText = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Slack incoming-webhook JSON; Microsoft Teams and Mattermost read the same `text`. */
export function chatMessage(message: OutgoingMessage, event: AlertEvent): { text: string; blocks: unknown[] } {
  const { title, body, questionId } = message.payload;
  const text = `*${escapeChatText(title)}* (${event}, question ${questionId})\n${escapeChatText(body)}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export const TEST_CHAT_MESSAGE = {
  text: 'Helpforce: this is a test of the desk’s alert webhook. Escalations, SLA breaches and failed posts will appear here.',
};
