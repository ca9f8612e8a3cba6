// "My answers": the expert's replies with their review state and public link, and their own track record.
import type { QuestionSummary, Recognition, Reply } from '../../../server/contracts/api.js';
import { get, query } from '../api.js';
import { h, replace } from '../dom.js';
import { dateTime, duration, percent, postUrl } from '../format.js';
import { onAny, onResync } from '../realtime.js';
import { age, empty, errorText, statusBadge } from '../ui.js';
import { displayHandle } from '../../../server/domain/channel-display.js';

type Mine = Reply & { question: QuestionSummary };

export function personalStats(replies: Mine[]): {
  answered: number;
  approvalRate: number | null;
  medianReplyMs: number | null;
} {
  const decided = replies.filter((r) => r.status !== 'in_review' && r.status !== 'failed');
  const approved = decided.filter((r) => r.status !== 'rejected').length;
  const answered = new Set(replies.filter((r) => r.status === 'posted').map((r) => r.questionId)).size;
  const waits = replies
    .map((r) => Date.parse(r.createdAt) - Date.parse(r.question.receivedAt))
    .filter((ms) => ms >= 0)
    .sort((a, b) => a - b);
  const mid = waits.length >> 1;
  const median = waits.length ? (waits.length % 2 ? waits[mid]! : (waits[mid - 1]! + waits[mid]!) / 2) : null;
  return { answered, approvalRate: decided.length ? approved / decided.length : null, medianReplyMs: median };
}

function answerItem(r: Mine): HTMLElement {
  return h(
    'li',
    { class: `card reply reply-${r.status}` },
    h(
      'div',
      { class: 'row-top' },
      r.delivery === 'none' ? h('span', { class: 'badge st-recorded' }, 'Recorded, not sent') : statusBadge(r.status),
      h('span', { class: 'muted' }, 'to ', displayHandle(r.question.channel, r.question.author.handle)),
      age(r.updatedAt),
    ),
    h('p', { class: 'muted qtext clamp' }, r.question.text),
    h('p', { class: 'tweet-text' }, r.preview),
    r.status === 'rejected' && r.feedback
      ? h(
          'p',
          { class: 'feedback' },
          h('strong', null, 'Feedback: '),
          r.feedback,
          ' ',
          r.question.status === 'claimed'
            ? h('a', { href: `#/q/${encodeURIComponent(r.questionId)}` }, 'Edit and resend')
            : null,
        )
      : null,
    r.failureReason ? h('p', { class: 'error' }, `Posting failed: ${r.failureReason}`) : null,
    h(
      'p',
      { class: 'small' },
      // Only an X post has an X address; another channel's id is the network's or the webhook receiver's.
      r.externalId && r.question.channel === 'x'
        ? [
            h('a', { href: postUrl(r.externalId), target: '_blank', rel: 'noopener noreferrer' }, 'Public post'),
            ' ',
            h('code', null, r.externalId),
            ' · ',
          ]
        : null,
      h('a', { href: `#/q/${encodeURIComponent(r.questionId)}` }, 'Question'),
    ),
  );
}

export function answersView(main: HTMLElement): () => void {
  const stats = h('dl', { class: 'tiles' });
  const list = h('ol', { class: 'cards' });
  const load = async () => {
    try {
      const [{ items }, recognition] = await Promise.all([
        get<{ items: Mine[] }>(`/api/replies${query({ author: 'me', limit: 200 })}`),
        get<Recognition>('/api/recognition').catch(() => null),
      ]);
      // The server's own figures when it has them (GET /api/recognition gives an expert their row), else ours.
      const mine = recognition?.experts[0];
      const s = mine ?? personalStats(items);
      replace(
        stats,
        (
          [
            ['Answered', String(s.answered)],
            ['Approval rate', percent(s.approvalRate)],
            ['Median time to reply', duration(s.medianReplyMs)],
            ...(mine ? [['Customers who said thanks', String(mine.thanks)]] : []),
          ] as [string, string][]
        ).map(([k, v]) => h('div', { class: 'tile' }, h('dt', null, k), h('dd', null, v))),
      );
      period.textContent = recognition
        ? `From ${dateTime(recognition.from)} to ${dateTime(recognition.to)}.`
        : 'Time to reply counts from when the customer asked to when you sent your reply.';
      replace(
        list,
        items.length
          ? items.map(answerItem)
          : h('li', null, empty('No answers yet. Claim an offer from your inbox to start.')),
      );
    } catch (err) {
      replace(list, h('li', { class: 'error', role: 'alert' }, errorText(err)));
    }
  };
  const period = h('p', { class: 'muted small' });
  replace(main, h('h1', null, 'My answers'), stats, period, list);
  void load();
  const offs = [
    onAny(['reply.approved', 'reply.rejected', 'reply.posted', 'reply.failed', 'reply.submitted'], () => void load()),
    onResync(() => void load()),
  ];
  return () => offs.forEach((off) => off());
}
