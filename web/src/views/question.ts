// One question: the customer's thread, why and to whom it was offered, the replies and their review state, and what
// the viewer can do now (claim, write, release; a manager also assigns, dismisses, re-tags, retries).
import type { QuestionDetail, QuestionView, Reply } from '../../../server/contracts/api.js';
import { ApiError, get, post } from '../api.js';
import { MAX_WEIGHTED_LENGTH } from '../../../server/domain/attribution.js';
import { channelLabel, displayHandle } from '../../../server/domain/channel-display.js';
import { channelBadge } from '../channels.js';
import { composer, publicPreview } from '../compose.js';
import { h, replace } from '../dom.js';
import { dateTime, postUrl, score } from '../format.js';
import { dropOffer, inboxItems, markTaken } from '../offers.js';
import { on, onAny, onResync } from '../realtime.js';
import { isManager, session } from '../session.js';
import { age, author, busy, button, errorText, flagNote, section, sla, statusBadge, tagChips, toast } from '../ui.js';
import { customerPanel, frequency } from './customer.js';
import { reasons } from './inbox.js';
import { handoffPanel, notesPanel, reusePanel } from './knowledge.js';
import { managerPanel } from './manage.js';
import { saveAsSnippet } from './snippets.js';

/**
 * Where a reply went: a post on its network with its link (`url`, from the question view's `replyUrls`), an id on
 * another channel (a Mastodon status, or the receiver of the channel's webhook), or nowhere, when the channel has no
 * delivery configured and the answer was only recorded.
 */
function deliveryNote(r: Reply, channel: string, url?: string): HTMLElement | null {
  if (r.delivery === 'none')
    return h(
      'p',
      { class: 'muted delivery-none' },
      `Recorded, not sent: no delivery configured for channel ${channel}`,
    );
  if (!r.externalId) return null;
  const href = url ?? (channel === 'x' ? postUrl(r.externalId) : null);
  if (!href) return h('p', null, `Sent on ${channelLabel(channel)} as `, h('code', null, r.externalId));
  return h(
    'p',
    null,
    'Public post ',
    h('code', null, r.externalId),
    ' · ',
    h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, `open on ${channelLabel(channel)}`),
  );
}

/** How a reply card measures and links: the question's network limit, and where the reply opens there. */
export type ReplyCardChannel = { max?: number; url?: string };

/** A manager's edit before approval, from the question's history: who, and the words the expert sent. */
export type ReplyEdit = { by: string; originalText: string };

export function replyEdits(events: QuestionDetail['events']): Map<string, ReplyEdit> {
  const edits = new Map<string, ReplyEdit>();
  for (const e of events) {
    const data = e.data as { replyId?: string; edited?: boolean; editedBy?: string; originalText?: string } | null;
    if (e.type === 'reply.approved' && data?.edited && data.replyId)
      edits.set(data.replyId, { by: data.editedBy ?? 'A community manager', originalText: data.originalText ?? '' });
  }
  return edits;
}

export function replyCard(r: Reply, channel: string, edit?: ReplyEdit, on: ReplyCardChannel = {}): HTMLElement {
  return h(
    'li',
    { class: `reply reply-${r.status}` },
    h(
      'div',
      { class: 'row-top' },
      r.delivery === 'none' ? h('span', { class: 'badge st-recorded' }, 'Recorded') : statusBadge(r.status),
      r.authorName ? h('span', null, r.authorName) : null,
      age(r.updatedAt),
      h('span', { class: 'muted' }, `${r.weightedLength} / ${on.max ?? MAX_WEIGHTED_LENGTH}`),
    ),
    publicPreview(r.preview),
    edit
      ? h(
          'div',
          { class: 'edited-note', role: 'note' },
          h('p', null, h('strong', null, `Edited by ${edit.by} before posting.`), ' The text above is what was sent.'),
          h('details', null, h('summary', null, 'What you wrote'), h('p', { class: 'qtext' }, edit.originalText)),
        )
      : null,
    r.feedback ? h('p', { class: 'feedback' }, h('strong', null, 'Feedback: '), r.feedback) : null,
    r.failureReason ? h('p', { class: 'error' }, `Posting failed: ${r.failureReason}`) : null,
    deliveryNote(r, channel, on.url),
    isManager() && (r.status === 'posted' || r.status === 'approved') ? saveAsSnippet(r.id) : null,
  );
}

type ThreadMessage = QuestionDetail['thread'][number];

/**
 * The thread in time order around the question: posts before it (the conversation it replies to) above, the brand's
 * replies and the customer's follow-ups below. The customer's last word after a reply, on a question still open, is
 * what is being answered now.
 */
export function threadAround(q: Pick<QuestionDetail, 'externalId' | 'createdAt' | 'status' | 'thread'>): {
  before: ThreadMessage[];
  after: ThreadMessage[];
  followUp: ThreadMessage | null;
} {
  const asked = Date.parse(q.createdAt);
  const others = q.thread
    .filter((m) => m.externalId !== q.externalId)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const after = others.filter((m) => Date.parse(m.at) >= asked);
  const last = after[after.length - 1];
  const answered = ['answered', 'closed', 'dismissed'].includes(q.status);
  return {
    before: others.filter((m) => Date.parse(m.at) < asked),
    after,
    followUp: last && last.direction === 'in' && !answered ? last : null,
  };
}

function messageList(messages: ThreadMessage[], followUp: ThreadMessage | null, channel: string): HTMLElement {
  return h(
    'ol',
    { class: 'thread' },
    messages.map((m) =>
      h(
        'li',
        { class: `msg msg-${m.direction}${m === followUp ? ' msg-followup' : ''}` },
        h(
          'div',
          { class: 'muted small' },
          m === followUp ? h('span', { class: 'chip chip-followup' }, 'Follow-up · being answered') : null,
          m.direction === 'in' ? (m.authorHandle ? displayHandle(channel, m.authorHandle) : 'Customer') : 'Brand',
          ' · ',
          dateTime(m.at),
        ),
        h('p', { class: m === followUp ? 'qtext big-text' : 'qtext' }, m.text),
      ),
    ),
  );
}

function offersTable(q: QuestionDetail): HTMLElement {
  if (!q.offers.length) return h('p', { class: 'muted' }, 'Not offered to anyone yet.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'offers-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Expert', 'Wave', 'Score', 'State', 'Why'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        null,
        q.offers.map((o) =>
          h(
            'tr',
            null,
            h('td', null, o.expertName ?? o.expertId),
            h('td', { class: 'num' }, String(o.wave)),
            h('td', { class: 'num' }, score(o.score)),
            h('td', null, o.state),
            h('td', null, reasons(o.reasons)),
          ),
        ),
      ),
    ),
  );
}

export function questionView(main: HTMLElement, id: string | undefined): () => void {
  if (!id) {
    location.replace('#/');
    return () => {};
  }
  const path = `/api/questions/${encodeURIComponent(id)}`;
  let q: QuestionView;
  const head = h('div');
  const body = h('div');
  const action = h('div');
  const info = h('div');
  let manage: ReturnType<typeof managerPanel> | null = null;
  const side = h('div', { class: 'side' }, info);
  let composeKey = '';

  const renderAction = () => {
    const me = session.user!.id;
    const mine = q.assigneeId === me;
    const lastReply = q.replies[q.replies.length - 1];
    const canClaim = ['new', 'offered', 'escalated'].includes(q.status) && (!!session.profile || isManager());
    const key =
      mine && q.status === 'claimed' ? `compose:${lastReply?.id ?? ''}` : `${q.status}:${mine}:${q.updatedAt}`;
    if (key === composeKey) return;
    composeKey = key;
    if (mine && q.status === 'claimed') {
      const rejected = lastReply?.status === 'rejected' ? lastReply : null;
      const form = composer({
        question: q,
        signature: session.profile?.signature ?? session.user!.name,
        initialText: rejected?.text,
        rule: q.channelInfo.length,
        onSubmitted: () => void load(),
      });
      replace(
        action,
        section(
          rejected ? 'Edit your reply' : 'Write the reply',
          rejected
            ? h(
                'div',
                { class: 'feedback', role: 'note' },
                h('strong', null, 'A community manager asked for changes: '),
                rejected.feedback ?? '',
              )
            : null,
          // Above the reply box and its Send button, where the expert looks before writing, not after sending.
          reusePanel(q, form.insert),
          form,
          h(
            'div',
            { class: 'form-actions' },
            button(
              'Release it',
              (ev) =>
                busy(ev.currentTarget as HTMLButtonElement, async () => {
                  await post(`${path}/release`);
                  toast('Released: it goes back to other experts.', 'ok');
                  location.hash = '#/inbox';
                }),
              { class: 'link' },
            ),
            h('span', { class: 'muted small' }, 'Someone else will be offered it.'),
          ),
        ),
        handoffPanel(q.id, () => {
          location.hash = '#/inbox';
        }),
      );
    } else if (canClaim) {
      const claimBtn = h('button', { type: 'button', class: 'primary big' }, 'Claim');
      claimBtn.addEventListener('click', () =>
        busy(claimBtn, async () => {
          try {
            await post(`${path}/claim`);
            dropOffer(q.id);
            toast('Claimed: it is yours to answer.', 'ok');
            await load();
          } catch (err) {
            if (err instanceof ApiError && err.status === 409) {
              markTaken(q.id, /claimed by (.+?)\.?$/.exec(err.message)?.[1] ?? 'someone else');
              replace(action, h('p', { class: 'taken-note', role: 'alert' }, err.message));
              composeKey = '';
              return;
            }
            throw err;
          }
        }),
      );
      // The question's own offers too: opened cold from a notification, the inbox may not have loaded yet.
      const offered =
        inboxItems().some((i) => i.question.id === q.id) ||
        q.offers.some((o) => o.expertId === me && o.state === 'open');
      replace(
        action,
        h(
          'div',
          { class: 'panel' },
          h('p', null, offered ? 'This question was offered to you.' : 'Nobody holds this question.'),
          claimBtn,
        ),
      );
      // Opened to act on (from the offer's notification, say): the one thing to do next has the focus and is in view.
      if (offered && (document.activeElement === main || document.activeElement === document.body)) claimBtn.focus();
    } else if (mine && q.status === 'in_review') {
      replace(
        action,
        h(
          'p',
          { class: 'panel note' },
          'Your reply is waiting for a community manager. You will see it here when it is approved or sent back.',
        ),
      );
    } else {
      replace(
        action,
        q.assigneeName && q.status === 'claimed'
          ? h('p', { class: 'panel note' }, `${q.assigneeName} is answering this.`)
          : null,
      );
    }
  };

  const render = () => {
    const { before, after, followUp } = threadAround(q);
    replace(
      head,
      h('p', null, h('a', { href: isManager() ? '#/queue' : '#/inbox' }, isManager() ? '← Queue' : '← Inbox')),
      h('h1', null, followUp ? 'Follow-up from ' : 'Question from ', displayHandle(q.channel, q.author.handle)),
      h(
        'div',
        { class: 'row-top' },
        statusBadge(q.status),
        channelBadge(q.channel),
        sla(q),
        flagNote(q),
        h('span', { class: 'muted' }, 'received ', age(q.receivedAt)),
        // On a phone the customer's panel is far below; the count is what tells the expert to look.
        q.customerHistory.length ? h('span', { class: 'chip history-hint' }, frequency(q)) : null,
        q.assigneeName ? h('span', null, `held by ${q.assigneeName}`) : null,
      ),
      q.dismissReason ? h('p', { class: 'note' }, `Dismissed: ${q.dismissReason}`) : null,
    );
    replace(
      body,
      before.length ? section('Earlier in the thread', messageList(before, null, q.channel)) : null,
      h(
        'section',
        { class: 'panel question' },
        h('div', { class: 'card-head' }, author(q), h('span', { class: 'muted' }, dateTime(q.createdAt))),
        h('p', { class: 'qtext big-text' }, q.text),
        h(
          'div',
          { class: 'card-meta' },
          tagChips(q.tags),
          h(
            'span',
            { class: 'muted small' },
            `${q.channelInfo.label} post `,
            h('code', null, q.externalId),
            q.channelInfo.postUrl ? ' · ' : null,
            q.channelInfo.postUrl
              ? h(
                  'a',
                  { href: q.channelInfo.postUrl, target: '_blank', rel: 'noopener noreferrer', class: 'open-on' },
                  `open on ${q.channelInfo.label}`,
                )
              : null,
          ),
        ),
      ),
      after.length ? section('Since then', messageList(after, followUp, q.channel)) : null,
    );
    renderAction();
    const edits = replyEdits(q.events);
    replace(
      info,
      customerPanel(q),
      q.replies.length
        ? section(
            'Replies',
            h(
              'ol',
              { class: 'replies' },
              [...q.replies]
                .reverse()
                .map((r) =>
                  replyCard(r, q.channel, edits.get(r.id), { max: q.channelInfo.length.max, url: q.replyUrls[r.id] }),
                ),
            ),
          )
        : null,
      section('Offers', offersTable(q)),
      h(
        'details',
        { class: 'panel' },
        h('summary', null, `History (${q.events.length})`),
        h(
          'ol',
          { class: 'events' },
          q.events.map((e) => h('li', null, h('span', { class: 'muted' }, dateTime(e.at)), ' ', e.type)),
        ),
      ),
    );
    if (isManager()) {
      if (!manage)
        side.prepend(
          (manage = managerPanel(
            () => q,
            () => void load(),
          )).el,
        );
      manage.update();
    }
  };

  const load = async () => {
    try {
      q = (await get<{ question: QuestionView }>(path)).question;
      render();
    } catch (err) {
      replace(
        main,
        h(
          'p',
          { class: 'error', role: 'alert' },
          err instanceof ApiError && err.status === 404
            ? 'This question does not exist or is not yours to see.'
            : errorText(err),
        ),
      );
    }
  };

  const notes = notesPanel(id);
  replace(
    main,
    h(
      'div',
      { class: 'question-page' },
      head,
      h('div', { class: 'columns' }, h('div', { class: 'col-main' }, body, action, notes.el), side),
    ),
  );
  void load();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reloadSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(load, 200);
  };
  const offs = [
    onAny(
      [
        'question.updated',
        'question.claimed',
        'question.released',
        'question.escalated',
        'question.reopened',
        'question.offered',
        'reply.submitted',
        'reply.approved',
        'reply.rejected',
        'reply.posted',
        'reply.failed',
      ],
      (ev) => {
        if ((ev.data as { question?: { id: string } }).question?.id === id) reloadSoon();
      },
    ),
    onResync(() => {
      reloadSoon();
      notes.reload();
    }),
    on('note.mention', (d) => {
      if (d.questionId === id) notes.reload();
    }),
  ];
  return () => {
    clearTimeout(timer);
    offs.forEach((off) => off());
  };
}
