// The customer beside their question: how often they have asked lately and what, so an expert answering a third
// message about the same fridge does not start from zero.
import type { CustomerQuestion, QuestionView } from '../../../server/contracts/api.js';
import { h } from '../dom.js';
import { dateTime } from '../format.js';
import { isManager } from '../session.js';
import { section, statusBadge } from '../ui.js';
import { displayHandle } from '../../../server/domain/channel-display.js';

const WEEK_MS = 7 * 24 * 3600_000;

export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** "3rd question this week": this one counted with those asked in the seven days before it. */
export function frequency(q: Pick<QuestionView, 'createdAt' | 'customerHistory'>): string {
  const at = Date.parse(q.createdAt);
  const thisWeek = q.customerHistory.filter((other) => {
    const otherAt = Date.parse(other.createdAt);
    return otherAt <= at && at - otherAt < WEEK_MS;
  }).length;
  if (thisWeek > 0) return `${ordinal(thisWeek + 1)} question this week`;
  const others = q.customerHistory.length;
  if (others === 0) return 'First question from this customer';
  return `${others} other question${others === 1 ? '' : 's'} before`;
}

function item(other: CustomerQuestion): HTMLElement {
  // An expert may open only the questions offered or assigned to them, so the link is for managers.
  const text = h('p', { class: 'qtext clamp' }, other.text);
  return h(
    'li',
    { class: 'history-item' },
    h(
      'div',
      { class: 'row-top' },
      statusBadge(other.status),
      h('span', { class: 'muted small' }, dateTime(other.createdAt)),
    ),
    isManager() ? h('a', { href: `#/q/${encodeURIComponent(other.id)}`, class: 'history-link' }, text) : text,
  );
}

export function customerPanel(q: QuestionView): HTMLElement {
  return section(
    `Other questions from ${displayHandle(q.channel, q.author.handle)}`,
    h('p', { class: 'history-count' }, h('strong', null, frequency(q))),
    q.customerHistory.length
      ? h(
          'ol',
          { class: 'plain customer-history', 'aria-label': 'Their other questions, newest first' },
          q.customerHistory.map(item),
        )
      : null,
  );
}
