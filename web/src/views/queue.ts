// The community manager's live queue: every open question with its SLA timer, filterable by status, tag and
// assignee, and searchable. Filters live in the URL (#/queue/status=…&tag=…&q=…) so a view can be bookmarked or
// shared, and a manager can name a set of them (a saved view, shown as a chip).
import type {
  QuestionListItem,
  QuestionStatus,
  QuestionSummary,
  SavedView,
  Tag,
} from '../../../server/contracts/api.js';
import type { ClientEventMap } from '../../../server/contracts/events.js';
import { del, get, post, query } from '../api.js';
import { field, h, reconcile, replace } from '../dom.js';
import { OPEN_STATUSES, STATUS_LABEL, isOpen } from '../format.js';
import { on, onAny, onResync } from '../realtime.js';
import { session } from '../session.js';
import { channelBadge, channelRules, channelsPanel } from '../channels.js';
import {
  age,
  askedNow,
  author,
  busy,
  button,
  empty,
  errorText,
  flagNote,
  sla,
  statusBadge,
  tagChips,
  toast,
} from '../ui.js';
import { ordinal } from './customer.js';
import { allTags, experts } from './manage.js';

const STATUS_PRESETS: { value: string; label: string }[] = [
  { value: OPEN_STATUSES.join(','), label: 'All open' },
  { value: 'new,offered,escalated', label: 'Unclaimed' },
  { value: 'escalated,failed', label: 'Needs you (escalated, failed)' },
  ...(['claimed', 'in_review', 'answered', 'dismissed'] as QuestionStatus[]).map((s) => ({
    value: s,
    label: STATUS_LABEL[s],
  })),
  { value: 'any', label: 'Everything' },
];

const DENSITY_KEY = 'helpforce.queueDensity';

let lastTick: ClientEventMap['metrics.tick'] | null = null;
on('metrics.tick', (d) => {
  lastTick = d;
});

function tickStrip(): { el: HTMLElement; render(): void } {
  const el = h('dl', { class: 'tiles small-tiles', 'aria-label': 'Right now' });
  const render = () => {
    el.hidden = !lastTick;
    if (!lastTick) return;
    const t = lastTick;
    replace(
      el,
      (
        [
          ['Open', t.open],
          ['In review', t.inReview],
          ['Escalated', t.escalated],
          ['Answered today', t.answeredToday],
        ] as const
      ).map(([k, v]) =>
        h(
          'div',
          { class: `tile${k === 'Escalated' && v > 0 ? ' tile-alert' : ''}` },
          h('dt', null, k),
          h('dd', null, String(v)),
        ),
      ),
      // The People page's "available": set to Available and reachable now, by the open app or by push.
      h(
        'div',
        { class: 'tile tile-experts' },
        h('dt', null, 'Experts available'),
        h(
          'dd',
          null,
          String(t.reachableExperts),
          h('span', { class: 'tile-sub' }, `${t.onlineExperts} with the app open, the rest by push`),
        ),
      ),
    );
  };
  return { el, render };
}

const SENTIMENT_WORDS = { negative: 'Negative', neutral: 'Neutral', positive: 'Positive' } as const;
const SENTIMENT_MARK = { negative: '▼', neutral: '●', positive: '▲' } as const;

/** How the customer felt, in words and a mark as well as colour; a strongly negative post (priority) says so. */
function sentimentNote(q: QuestionSummary): HTMLElement | null {
  if (!q.sentiment) return null;
  const { label, score } = q.sentiment;
  const strong = label === 'negative' && q.priority > 0;
  return h(
    'span',
    { class: `sentiment sentiment-${label}${strong ? ' sentiment-strong' : ''}`, title: `Sentiment score ${score}` },
    h('span', { 'aria-hidden': 'true' }, `${SENTIMENT_MARK[label]} `),
    strong ? 'Very negative' : SENTIMENT_WORDS[label],
  );
}

/** "3rd question this week" per question, as the list last gave it: live updates carry the question alone. */
const askedThisWeek = new Map<string, number>();

function row(q: QuestionSummary): HTMLElement {
  const asked = askedThisWeek.get(q.id) ?? 1;
  return h(
    'li',
    { 'data-question': q.id },
    h(
      'a',
      { class: 'row-link queue-row', href: `#/q/${encodeURIComponent(q.id)}` },
      h(
        'span',
        { class: 'row-top' },
        statusBadge(q.status),
        channelBadge(q.channel),
        sla(q),
        sentimentNote(q),
        flagNote(q),
        author(q),
        asked > 1 ? h('span', { class: 'chip history-hint' }, `${ordinal(asked)} question this week`) : null,
        h('span', { class: 'muted' }, age(q.receivedAt)),
      ),
      askedNow(q, 'span'),
      h(
        'span',
        { class: 'row-bottom' },
        tagChips(q.tags),
        h('span', { class: 'muted' }, q.assigneeName ? `held by ${q.assigneeName}` : 'unassigned'),
      ),
    ),
  );
}

type Filters = { status: string; tag: string; assignee: string; channel: string; sort: string; q: string };

/** The filters as the API takes them (a saved view stores these): no status means every status, sort is by deadline. */
function apiFilters(f: Filters): SavedView['filters'] {
  return {
    status: f.status === 'any' ? undefined : f.status,
    tag: f.tag || undefined,
    assignee: f.assignee || undefined,
    channel: f.channel || undefined,
    q: f.q || undefined,
    sort: f.sort === 'newest' ? 'newest' : 'sla',
  };
}
function fromApiFilters(filters: SavedView['filters']): Filters {
  return {
    status: filters.status ?? 'any',
    tag: filters.tag ?? '',
    assignee: filters.assignee ?? '',
    channel: filters.channel ?? '',
    q: filters.q ?? '',
    sort: filters.sort === 'newest' ? 'newest' : 'urgent',
  };
}
const sameFilters = (a: SavedView['filters'], b: SavedView['filters']) =>
  (['status', 'tag', 'assignee', 'channel', 'q', 'sort'] as const).every((k) => (a[k] ?? '') === (b[k] ?? ''));

export function queueView(main: HTMLElement, param: string | undefined): () => void {
  const params = new URLSearchParams(param ?? '');
  const status = h(
    'select',
    null,
    STATUS_PRESETS.map((p) => h('option', { value: p.value }, p.label)),
  );
  status.value = params.get('status') ?? STATUS_PRESETS[0]!.value;
  const tag = h('select', null, h('option', { value: '' }, 'Any tag'));
  const assignee = h('select', null, h('option', { value: '' }, 'Anyone'), h('option', { value: 'me' }, 'Me'));
  const channel = h('select', null, h('option', { value: '' }, 'Any channel'));
  const sort = h(
    'select',
    null,
    h('option', { value: 'urgent' }, 'Most urgent first'),
    h('option', { value: 'newest' }, 'Newest first'),
  );
  sort.value = params.get('sort') === 'newest' ? 'newest' : 'urgent';
  const search = h('input', {
    type: 'search',
    maxlength: 200,
    autocomplete: 'off',
    placeholder: 'Words, "a phrase", @handle or id',
  });
  search.value = params.get('q') ?? '';
  const list = h('ul', { class: 'rows queue', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const more = h('button', { type: 'button', hidden: true }, 'Load more');
  const count = h('p', { class: 'muted', role: 'status' });
  const ticks = tickStrip();
  let items = new Map<string, QuestionSummary>();
  let cursor: string | null = null;

  // The filter values, kept apart from the selects whose options arrive later (tags, experts).
  const f: Filters = {
    status: status.value,
    tag: params.get('tag') ?? '',
    assignee: params.get('assignee') ?? '',
    channel: params.get('channel') ?? '',
    sort: sort.value,
    q: search.value.trim(),
  };
  const matches = (q: QuestionSummary) => {
    const statuses = f.status && f.status !== 'any' ? f.status.split(',') : null;
    if (statuses && !statuses.includes(q.status)) return false;
    if (f.tag && !q.tags.some((t) => t.slug === f.tag)) return false;
    if (f.channel && q.channel !== f.channel) return false;
    const who = f.assignee === 'me' ? session.user!.id : f.assignee;
    return !who || q.assigneeId === who;
  };
  const render = () => {
    const sorted = [...items.values()].sort(
      f.sort === 'newest'
        ? (a, b) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt)
        : (a, b) =>
            Number(isOpen(b.status)) - Number(isOpen(a.status)) ||
            b.priority - a.priority ||
            Date.parse(a.slaDueAt) - Date.parse(b.slaDueAt),
    );
    count.textContent = `${sorted.length}${cursor ? '+' : ''} question${sorted.length === 1 ? '' : 's'}${f.q ? ` matching ${f.q}` : ''}`;
    if (!sorted.length)
      replace(
        list,
        h(
          'li',
          null,
          empty(f.q ? 'No question matches this search.' : 'Nothing here. New questions appear as they arrive.'),
        ),
      );
    else
      reconcile(
        list,
        sorted,
        (q) => q.id,
        row,
        (q) => `${q.updatedAt}${q.status}${askedThisWeek.get(q.id) ?? ''}`,
      );
    more.hidden = !cursor;
  };
  const load = async (append = false) => {
    try {
      const res = await get<{ items: QuestionListItem[]; nextCursor: string | null }>(
        `/api/questions${query({
          status: f.status === 'any' ? undefined : f.status,
          tag: f.tag,
          assignee: f.assignee,
          channel: f.channel,
          limit: 200,
          cursor: append ? cursor : undefined,
          sort: f.sort === 'newest' ? 'newest' : 'sla',
          q: f.q,
        })}`,
      );
      if (!append) items = new Map();
      for (const q of res.items) {
        items.set(q.id, q);
        askedThisWeek.set(q.id, q.askedThisWeek);
      }
      cursor = res.nextCursor;
      render();
    } catch (err) {
      replace(list, h('li', { class: 'error', role: 'alert' }, errorText(err)));
    }
  };
  const applyFilters = (next: Filters) => {
    Object.assign(f, next);
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
    history.replaceState(null, '', `#/queue/${p.toString()}`);
    renderViews();
    void load();
  };
  const filtersChanged = () =>
    applyFilters({
      status: status.value,
      tag: tag.value,
      assignee: assignee.value,
      channel: channel.value,
      sort: sort.value,
      q: search.value.trim(),
    });
  for (const el of [status, tag, assignee, channel, sort]) el.addEventListener('change', filtersChanged);
  more.addEventListener('click', () => void load(true));

  // The search runs as the manager types, once they pause.
  let typing: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      if (search.value.trim() !== f.q) filtersChanged();
    }, 300);
  });

  // While searching, a question the page does not hold may have come to match (a new question, a reply): the server
  // decides, so the page asks again, at most once a second.
  let refetch: ReturnType<typeof setTimeout> | undefined;
  const reloadSoon = () => {
    if (refetch === undefined)
      refetch = setTimeout(() => {
        refetch = undefined;
        void load();
      }, 1000);
  };

  let views: SavedView[] = [];
  const viewChips = h('div', { class: 'saved-views', role: 'group', 'aria-label': 'Saved views' });
  const viewName = h('input', {
    type: 'text',
    maxlength: 40,
    autocomplete: 'off',
    placeholder: 'Name these filters',
    'aria-label': 'Save these filters as',
  });
  const renderViews = () => {
    const current = apiFilters(f);
    replace(
      viewChips,
      views.map((v) =>
        h(
          'span',
          { class: 'view-chip' },
          button(
            v.name,
            () => {
              const next = fromApiFilters(v.filters);
              if (![...status.options].some((o) => o.value === next.status))
                status.append(h('option', { value: next.status }, next.status.replaceAll(',', ', ')));
              status.value = next.status;
              tag.value = next.tag;
              assignee.value = next.assignee;
              if (next.channel && ![...channel.options].some((o) => o.value === next.channel))
                channel.append(h('option', { value: next.channel }, next.channel));
              channel.value = next.channel;
              sort.value = next.sort;
              search.value = next.q;
              applyFilters(next);
            },
            { 'aria-pressed': String(sameFilters(v.filters, current)) },
          ),
          button(
            '×',
            (ev) =>
              void busy(ev.currentTarget as HTMLButtonElement, async () => {
                await del(`/api/views/${encodeURIComponent(v.id)}`);
                views = views.filter((x) => x.id !== v.id);
                renderViews();
              }),
            { class: 'link', 'aria-label': `Delete view ${v.name}`, title: 'Delete this view' },
          ),
        ),
      ),
    );
  };
  const saveView = (ev: Event) => {
    ev.preventDefault();
    const name = viewName.value.trim();
    if (!name) return;
    void busy(saveButton, async () => {
      const { view } = await post<{ view: SavedView }>('/api/views', { name, filters: apiFilters(f) });
      views = [...views.filter((v) => v.id !== view.id), view];
      viewName.value = '';
      renderViews();
      toast(`Saved the view "${view.name}"`, 'ok');
    });
  };
  const saveButton = h('button', { type: 'submit' }, 'Save view');
  // A manager scanning a long queue wants more rows on screen; the choice stays with this browser.
  const density = h('button', { type: 'button', class: 'density-toggle', 'aria-pressed': 'false' }, 'Compact rows');
  const setCompact = (compact: boolean) => {
    list.classList.toggle('compact', compact);
    density.setAttribute('aria-pressed', String(compact));
    if (compact) localStorage.setItem(DENSITY_KEY, 'compact');
    else localStorage.removeItem(DENSITY_KEY);
  };
  density.addEventListener('click', () => setCompact(!list.classList.contains('compact')));
  setCompact(localStorage.getItem(DENSITY_KEY) === 'compact');
  const searchField = field('Search', search);
  searchField.classList.add('field-search');
  void get<{ views: SavedView[] }>('/api/views')
    .then((res) => {
      views = res.views;
      renderViews();
    })
    .catch(() => {});

  void allTags()
    .then((tags: Tag[]) => {
      tag.append(...tags.map((t) => h('option', { value: t.slug }, t.name)));
      tag.value = f.tag;
    })
    .catch(() => {});
  void experts()
    .then((list) => {
      assignee.append(...list.map((e) => h('option', { value: e.id }, e.name)));
      assignee.value = f.assignee;
    })
    .catch(() => {});
  assignee.value = f.assignee === 'me' ? 'me' : '';
  // A channel the filter names but no adapter serves (an API channel without a webhook) is still offered.
  const addChannel = (name: string, label: string) => channel.append(h('option', { value: name }, label));
  if (f.channel) addChannel(f.channel, f.channel);
  channel.value = f.channel;
  void channelRules()
    .then((rules) => {
      for (const c of rules.items) {
        const shown = [...channel.options].find((o) => o.value === c.name);
        if (shown) shown.textContent = c.label;
        else addChannel(c.name, c.label);
      }
    })
    .catch(() => {});

  replace(
    main,
    h('h1', null, 'Queue'),
    ticks.el,
    h('details', { class: 'channels-details' }, h('summary', null, 'Channels'), channelsPanel()),
    h(
      'form',
      { class: 'filters', 'aria-label': 'Filters', onsubmit: (e: Event) => e.preventDefault() },
      field('Status', status),
      field('Tag', tag),
      field('Assignee', assignee),
      field('Channel', channel),
      field('Order', sort),
      searchField,
    ),
    h(
      'div',
      { class: 'views-row' },
      viewChips,
      h('form', { class: 'save-view', onsubmit: saveView }, viewName, saveButton),
    ),
    h('div', { class: 'list-head' }, count, density),
    list,
    more,
  );
  ticks.render();
  void load();
  const loadLive = () =>
    get<ClientEventMap['metrics.tick']>('/api/live').then(
      (d) => {
        lastTick = d;
        ticks.render();
      },
      () => {},
    );
  void loadLive();

  const offs = [
    on('metrics.tick', ticks.render),
    onAny(
      [
        'question.created',
        'question.updated',
        'question.offered',
        'question.claimed',
        'question.released',
        'question.escalated',
        'question.reopened',
        'reply.submitted',
        'reply.approved',
        'reply.rejected',
        'reply.posted',
        'reply.failed',
      ],
      (ev) => {
        const q = (ev.data as { question?: QuestionSummary }).question;
        if (!q) return;
        const known = items.get(q.id);
        if (known && Date.parse(known.updatedAt) > Date.parse(q.updatedAt)) return;
        if (f.q && !known) {
          if (matches(q)) reloadSoon();
          return;
        }
        if (matches(q)) items.set(q.id, q);
        else items.delete(q.id);
        // A question new to the page comes without its customer's count for the week: the list has it.
        if (!known && matches(q) && !askedThisWeek.has(q.id)) reloadSoon();
        render();
      },
    ),
    onResync(() => {
      void load();
      void loadLive();
    }),
  ];
  return () => {
    clearTimeout(typing);
    clearTimeout(refetch);
    offs.forEach((off) => off());
  };
}
