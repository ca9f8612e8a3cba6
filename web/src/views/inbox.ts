// The expert's home screen, usually on a phone: offers arrive live; one tap claims; a lost race says who won.
import type { QuestionSummary } from '../../../server/contracts/api.js';
import { ApiError, get, post, query } from '../api.js';
import { h, reconcile, replace } from '../dom.js';
import { offerWindowText, slaState, slaText } from '../clock.js';
import { reasonLabel, reasonValue } from '../format.js';
import {
  dropOffer,
  inboxItems,
  markTaken,
  offerQuota,
  onInboxChange,
  refreshInbox,
  type InboxItem,
} from '../offers.js';
import { onAny, onResync } from '../realtime.js';
import { onProfile, session } from '../session.js';
import { age, askedNow, author, empty, errorText, sla, statusBadge, tagChips, toast } from '../ui.js';
import { displayHandle } from '../../../server/domain/channel-display.js';

const MINE = 'claimed,in_review,approved,posting,failed';

export function reasons(r: Record<string, number>): HTMLElement {
  const entries = Object.entries(r)
    .filter(([, v]) => v !== 0)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  return h(
    'ul',
    { class: 'reasons', 'aria-label': 'Why it was offered' },
    entries.map(([k, v]) => h('li', null, reasonLabel(k), ' ', h('span', { class: 'num' }, reasonValue(v)))),
  );
}

// What an expert reads under "Why you": the reasons that counted for them, in words. The numbers are the router's
// internals, meaningful to a manager comparing experts, not to the one deciding whether to claim.
const REASON_WORDS: Record<string, string> = {
  'assigned-by-manager': 'A manager chose you for it',
  'previous-expert': 'You answered this customer before',
  similar: 'You answered similar questions',
  tags: 'You often answer this topic',
  recent: 'You answered recently',
  activity: 'You answer often',
  shift: 'You are usually on at this hour',
  record: 'Your answers are usually approved',
  connected: 'You have the app open',
  availability: 'You are available now',
  generalist: 'No specialist was free, and you take any topic',
  learned_pattern: 'Your answers so far fit questions like this one',
};

/** Only what counted in the expert's favour, strongest first; a reason with no words is left out, not shown raw. */
export function reasonSentences(r: Record<string, number>): string[] {
  return Object.entries(r)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k]) => (k.startsWith('skill:') ? `You know ${k.slice(6).replace(/[-_]+/g, ' ')} well` : REASON_WORDS[k]))
    .filter((text): text is string => Boolean(text));
}

function whyYou(r: Record<string, number>): HTMLElement {
  const sentences = reasonSentences(r);
  return h(
    'ul',
    { class: 'reasons', 'aria-label': 'Why it was offered to you' },
    sentences.length
      ? sentences.map((text) => h('li', null, text))
      : h('li', null, 'You are free and this question needs an answer'),
  );
}

/** The two clocks on an offer, each saying what it counts down to: the customer's deadline and this offer's. */
function offerTimers(q: QuestionSummary, expiresAt: string): HTMLElement {
  return h(
    'p',
    { class: 'offer-timers' },
    h(
      'span',
      {
        class: `sla sla-${slaState(q.receivedAt, q.slaDueAt)}`,
        'data-sla-from': q.receivedAt,
        'data-sla-due': q.slaDueAt,
        'data-sla-kind': 'reply',
        title: `The customer should have an answer by ${new Date(q.slaDueAt).toLocaleString()}`,
      },
      slaText(q.slaDueAt, Date.now(), 'reply'),
    ),
    h(
      'span',
      {
        class: 'offer-window',
        'data-expires': expiresAt,
        title: `After ${new Date(expiresAt).toLocaleTimeString()} the offer goes to other experts`,
      },
      offerWindowText(expiresAt),
    ),
  );
}

async function claim(item: InboxItem, btn: HTMLButtonElement): Promise<void> {
  btn.disabled = true;
  try {
    await post(`/api/questions/${encodeURIComponent(item.question.id)}/claim`);
    dropOffer(item.question.id);
    toast('Claimed: it is yours to answer.', 'ok');
    location.hash = `#/q/${encodeURIComponent(item.question.id)}`;
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      const name = /claimed by (.+?)\.?$/.exec(err.message)?.[1];
      markTaken(item.question.id, name ?? 'someone else');
    } else {
      toast(errorText(err), 'error');
      btn.disabled = false;
    }
  }
}

function offerCard(item: InboxItem): HTMLElement {
  const q = item.question;
  const claimBtn = h(
    'button',
    {
      type: 'button',
      class: 'primary big',
      'aria-label': `Claim question from ${displayHandle(q.channel, q.author.handle)}`,
    },
    'Claim',
  );
  claimBtn.addEventListener('click', () => void claim(item, claimBtn));
  if (item.takenBy) claimBtn.disabled = true;
  return h(
    'article',
    { class: `card offer${item.takenBy ? ' taken' : ''}`, 'data-question': q.id },
    h('div', { class: 'card-head' }, author(q), age(q.followUp?.at ?? q.createdAt)),
    askedNow(q),
    h('div', { class: 'card-meta' }, tagChips(q.tags)),
    item.takenBy ? null : offerTimers(q, item.offer.expiresAt),
    h('details', { class: 'why' }, h('summary', null, 'Why you'), whyYou(item.offer.reasons)),
    item.takenBy
      ? h('p', { class: 'taken-note', role: 'status' }, `${item.takenBy} took this one.`)
      : h(
          'div',
          { class: 'card-actions' },
          claimBtn,
          h('a', { href: `#/q/${encodeURIComponent(q.id)}`, class: 'button' }, 'Read thread'),
        ),
  );
}

function mineRow(q: QuestionSummary): HTMLElement {
  return h(
    'li',
    null,
    h(
      'a',
      { class: 'row-link', href: `#/q/${encodeURIComponent(q.id)}` },
      h('span', { class: 'row-top' }, statusBadge(q.status), author(q), sla(q)),
      askedNow(q, 'span'),
    ),
  );
}

export function inboxView(main: HTMLElement): () => void {
  const offersList = h('div', { class: 'cards', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const mineList = h('ul', { class: 'rows' });
  const summary = h('p', { class: 'muted' });
  let mine: QuestionSummary[] = [];

  const renderSummary = () => {
    const p = session.profile;
    if (!p) {
      replace(
        summary,
        'You have no expert profile yet. ',
        h('a', { href: '#/profile' }, 'Set one up'),
        ' to receive questions.',
      );
      return;
    }
    const quota = offerQuota();
    replace(
      summary,
      p.availability === 'available' ? 'You are available. ' : h('strong', null, 'You are away: no new offers. '),
      `Holding ${mine.filter((q) => q.status === 'claimed' || q.status === 'in_review').length} of ${p.capacity}.`,
      p.availability === 'available' && quota?.resumesAt
        ? h(
            'span',
            { class: 'quota-note', role: 'note' },
            h('strong', null, ` You've had ${quota.used} offers in the last hour, the most one hour brings: `),
            `new ones resume at ${new Date(quota.resumesAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}.`,
          )
        : null,
    );
  };
  const renderOffers = () => {
    const items = inboxItems();
    if (!items.length) {
      replace(
        offersList,
        empty(
          session.profile?.availability === 'away'
            ? 'No offers while you are away.'
            : 'No open offers. New questions for you appear here as they arrive.',
        ),
      );
      return;
    }
    offersList.querySelector(':scope > .empty')?.remove();
    reconcile(
      offersList,
      items,
      (i) => i.question.id,
      offerCard,
      (i) => `${i.question.updatedAt}|${i.takenBy ?? ''}`,
    );
  };
  const loadMine = async () => {
    try {
      const res = await get<{ items: QuestionSummary[] }>(
        `/api/questions${query({ assignee: 'me', status: MINE, limit: 50 })}`,
      );
      mine = res.items;
      replace(
        mineList,
        mine.length ? mine.map(mineRow) : h('li', null, empty('Nothing claimed. Claim an offer above to answer it.')),
      );
      renderSummary();
    } catch (err) {
      replace(mineList, h('li', { class: 'error' }, errorText(err)));
    }
  };

  replace(
    main,
    h('h1', null, 'Inbox'),
    summary,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'offers-h' },
      h('h2', { id: 'offers-h' }, 'Offered to you'),
      offersList,
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'mine-h' },
      h('h2', { id: 'mine-h' }, 'Your questions'),
      mineList,
    ),
  );
  renderOffers();
  renderSummary();
  void loadMine();
  void refreshInbox().catch((err) => toast(errorText(err), 'error'));

  let timer: ReturnType<typeof setTimeout> | undefined;
  const reloadSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(loadMine, 300);
  };
  const offs = [
    onInboxChange(() => {
      renderOffers();
      renderSummary();
    }),
    onProfile(() => {
      renderSummary();
      renderOffers();
    }),
    onAny(
      [
        'question.claimed',
        'question.released',
        'question.updated',
        'reply.submitted',
        'reply.approved',
        'reply.rejected',
        'reply.posted',
        'reply.failed',
      ],
      reloadSoon,
    ),
    onResync(reloadSoon),
  ];
  return () => {
    clearTimeout(timer);
    offs.forEach((off) => off());
  };
}
