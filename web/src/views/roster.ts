// The People page: the experts in a table sortable by any column (who is online, available, how loaded, with what
// skills and track record). Admins also see every account, create new ones, change roles and deactivate people.
import type { Account, Expert, Role, User } from '../../../server/contracts/api.js';
import { get, patch, post } from '../api.js';
import { field, h, reconcile, replace } from '../dom.js';
import { duration, percent } from '../format.js';
import { on, onResync } from '../realtime.js';
import { isAdmin, session } from '../session.js';
import { busy, empty, errorText, meter, section, toast } from '../ui.js';
import { experts } from './manage.js';
import { channelWebhooksPanel } from './channel-webhooks.js';
import { temporaryPasswordControl } from './password.js';
import { settingsPanel } from './settings.js';
import { tokensPanel } from './tokens.js';

type SortKey = 'name' | 'status' | 'load' | 'answered' | 'approval' | 'reply' | 'offers';
type Column = { key: SortKey; label: string; numeric?: boolean; value: (e: Expert) => number | string | null };

/** Online and available first: the order a manager scans for who can take work now. */
const statusRank = (e: Expert) => (e.online ? 0 : 2) + (e.availability === 'available' ? 0 : 1);

const COLUMNS: Column[] = [
  { key: 'name', label: 'Name', value: (e) => e.name.toLowerCase() },
  { key: 'status', label: 'Status', value: statusRank },
  { key: 'load', label: 'Load', numeric: true, value: (e) => (e.capacity ? e.load / e.capacity : 0) },
  { key: 'answered', label: 'Answered', numeric: true, value: (e) => e.stats.answered },
  { key: 'approval', label: 'Approval', numeric: true, value: (e) => e.stats.approvalRate },
  { key: 'reply', label: 'Median reply', numeric: true, value: (e) => e.stats.medianReplyMs },
  { key: 'offers', label: 'Offers last hour', numeric: true, value: (e) => e.stats.offersLastHour },
];

// Kept while the app is open, so coming back to the page keeps the order the manager chose.
const sort: { key: SortKey; descending: boolean } = { key: 'status', descending: false };

/** Sorted by the chosen column; an unknown value (no approvals yet) always goes last; ties go by name. */
export function sortExperts(list: Expert[], key: SortKey, descending: boolean): Expert[] {
  const column = COLUMNS.find((c) => c.key === key) ?? COLUMNS[0];
  if (!column) return list;
  const byName = (a: Expert, b: Expert) => a.name.localeCompare(b.name);
  return [...list].sort((a, b) => {
    const x = column.value(a);
    const y = column.value(b);
    if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
    const order = x < y ? -1 : x > y ? 1 : 0;
    return (descending ? -order : order) || byName(a, b);
  });
}

function expertRow(e: Expert): HTMLElement {
  return h(
    'tr',
    { class: 'expert', 'data-expert': e.id },
    h(
      'th',
      { scope: 'row' },
      h('strong', null, e.name),
      ' ',
      h('span', { class: 'muted' }, `^${e.signature}`),
      e.generalist ? [' ', h('span', { class: 'badge' }, 'generalist')] : null,
      e.store ? h('div', { class: 'muted' }, e.store) : null,
    ),
    h(
      'td',
      null,
      h(
        'span',
        {
          class: `presence ${e.online ? 'on' : 'off'}`,
          title: e.online ? 'An offer reaches them now: the app is open or push is on' : 'No app open and no push',
        },
        h('span', { class: 'dot', 'aria-hidden': 'true' }),
        e.online ? 'online' : 'offline',
      ),
      ' ',
      h('span', { class: `badge ${e.availability === 'available' ? 'st-answered' : 'st-dismissed'}` }, e.availability),
    ),
    h('td', null, meter(e.load, e.capacity, `Holding ${e.load} of ${e.capacity}`)),
    h('td', { class: 'num' }, String(e.stats.answered)),
    h('td', { class: 'num' }, percent(e.stats.approvalRate)),
    h('td', { class: 'num' }, duration(e.stats.medianReplyMs)),
    h('td', { class: 'num' }, String(e.stats.offersLastHour)),
    h(
      'td',
      null,
      h(
        'span',
        { class: 'chips' },
        e.skills.length
          ? e.skills.map((s) =>
              h(
                'span',
                { class: 'chip' },
                `${s.tag} `,
                h('span', { 'aria-label': `level ${s.level} of 5` }, '●'.repeat(s.level)),
              ),
            )
          : h('span', { class: 'muted' }, 'no skills yet'),
      ),
    ),
  );
}

function usersPanel(): HTMLElement {
  const list = h('ul', { class: 'rows' });
  const email = h('input', { type: 'email', required: true, autocomplete: 'off' });
  const name = h('input', { type: 'text', required: true, maxlength: 100 });
  const role = h(
    'select',
    null,
    (['expert', 'manager', 'admin'] as Role[]).map((r) => h('option', { value: r }, r)),
  );
  const password = h('input', { type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
  const create = h('button', { type: 'submit', class: 'primary' }, 'Create user');
  const form = h(
    'form',
    { class: 'grid-form' },
    field('Email', email),
    field('Name', name),
    field('Role', role),
    field('First password', password, 'At least 8 characters; share it privately'),
    h('div', { class: 'form-actions' }, create),
  );
  // After a change the list is rebuilt; focus returns to the same control of the same account (keyboard users).
  const change = async (u: Account, body: { role?: Role; active?: boolean }, done: string, refocus: string) => {
    await patch<{ user: Account }>(`/api/users/${encodeURIComponent(u.id)}`, body);
    toast(done, 'ok');
    await load();
    list.querySelector<HTMLElement>(`[data-user="${CSS.escape(u.id)}"] [data-control="${refocus}"]`)?.focus();
  };
  const accountRow = (u: Account): HTMLElement => {
    const own = u.id === session.user?.id;
    const why = own
      ? 'your own account: another admin changes it'
      : u.active
        ? ''
        : 'reactivate the account to change its role';
    // A role changes only on Apply: a closed select changes value on arrow keys, and each change would be a request.
    const roleSelect = h(
      'select',
      { 'aria-label': `Role of ${u.name}`, title: why || null, disabled: own || !u.active, 'data-control': 'role' },
      (['expert', 'manager', 'admin'] as Role[]).map((r) => h('option', { value: r }, r)),
    ) as HTMLSelectElement;
    roleSelect.value = u.role;
    const apply = h(
      'button',
      { type: 'button', 'aria-label': `Apply the role of ${u.name}`, hidden: true, 'data-control': 'apply' },
      'Apply',
    ) as HTMLButtonElement;
    roleSelect.addEventListener('change', () => {
      apply.hidden = roleSelect.value === u.role;
    });
    apply.addEventListener(
      'click',
      () =>
        void busy(apply, async () => {
          try {
            await change(u, { role: roleSelect.value as Role }, `${u.name} is now ${roleSelect.value}.`, 'role');
          } catch (err) {
            roleSelect.value = u.role;
            apply.hidden = true;
            throw err;
          }
        }),
    );
    const access = own
      ? null
      : (h(
          'button',
          {
            type: 'button',
            class: u.active ? 'danger-outline' : '',
            'aria-label': `${u.active ? 'Deactivate' : 'Reactivate'} ${u.name}`,
            'data-control': 'access',
          },
          u.active ? 'Deactivate' : 'Reactivate',
        ) as HTMLButtonElement);
    access?.addEventListener(
      'click',
      () =>
        void busy(access, () =>
          change(
            u,
            { active: !u.active },
            u.active
              ? `${u.name} is deactivated: signed out, their open work handed back to the team.`
              : `${u.name} can sign in again.`,
            'access',
          ),
        ),
    );
    return h(
      'li',
      { class: 'user-row', 'data-user': u.id },
      h('strong', null, u.name),
      h('span', { class: 'muted' }, u.email),
      u.active ? null : h('span', { class: 'badge st-dismissed' }, 'deactivated'),
      h('span', { class: 'account-actions' }, roleSelect, apply, own ? null : temporaryPasswordControl(u), access),
    );
  };
  const load = async () => {
    try {
      const { items } = await get<{ items: Account[] }>('/api/users');
      replace(list, items.map(accountRow));
    } catch (err) {
      replace(list, h('li', { class: 'error' }, errorText(err)));
    }
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(create, async () => {
      const { user } = await post<{ user: User }>('/api/users', {
        email: email.value,
        name: name.value,
        role: role.value,
        password: password.value,
      });
      toast(`Created ${user.name} (${user.role}).`, 'ok');
      form.reset();
      void load();
    });
  });
  void load();
  return section('Accounts', form, h('h3', null, 'Everyone who can sign in'), list);
}

export function rosterView(main: HTMLElement): () => void {
  const search = h('input', { type: 'search', placeholder: 'Name, skill or store' });
  const show = h(
    'select',
    null,
    h('option', { value: '' }, 'Everyone'),
    h('option', { value: 'online' }, 'Online'),
    h('option', { value: 'available' }, 'Online and available'),
  );
  const list = h('tbody');
  const head = h('tr');
  const summary = h('p', { class: 'muted', role: 'status' });
  let all: Expert[] = [];
  const renderHead = () =>
    replace(
      head,
      COLUMNS.map((c) => {
        const active = sort.key === c.key;
        return h(
          'th',
          {
            scope: 'col',
            class: c.numeric ? 'num' : null,
            'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : null,
          },
          h(
            'button',
            {
              type: 'button',
              class: 'sort',
              onclick: () => {
                // Numbers read most-first on the first click (who answered most); names and status A→Z.
                sort.descending = active ? !sort.descending : Boolean(c.numeric);
                sort.key = c.key;
                render();
              },
            },
            c.label,
            h('span', { 'aria-hidden': 'true' }, active ? (sort.descending ? ' ▼' : ' ▲') : ''),
          ),
        );
      }),
      h('th', { scope: 'col' }, 'Skills'),
    );
  const render = () => {
    renderHead();
    const needle = search.value.trim().toLowerCase();
    const shown = sortExperts(
      all.filter(
        (e) =>
          (!needle ||
            [e.name, e.signature, e.store ?? '', ...e.skills.map((s) => s.tag)].some((v) =>
              v.toLowerCase().includes(needle),
            )) &&
          (!show.value || (e.online && (show.value === 'online' || e.availability === 'available'))),
      ),
      sort.key,
      sort.descending,
    );
    // Counted as the queue counts "Experts available": online means an offer reaches them now (app open or push).
    summary.textContent = `${all.filter((e) => e.online).length} of ${all.length} online (app open or push) · ${all.filter((e) => e.online && e.availability === 'available').length} available`;
    if (!shown.length)
      replace(
        list,
        h(
          'tr',
          null,
          h('td', { colspan: COLUMNS.length + 1 }, empty(all.length ? 'Nobody matches.' : 'No experts yet.')),
        ),
      );
    else
      reconcile(
        list,
        shown,
        (e) => e.id,
        expertRow,
        (e) => JSON.stringify(e),
      );
  };
  const load = async () => {
    try {
      all = await experts(0);
      render();
    } catch (err) {
      replace(list, h('li', { class: 'error', role: 'alert' }, errorText(err)));
    }
  };
  search.addEventListener('input', render);
  show.addEventListener('change', render);
  replace(
    main,
    h('h1', null, 'People'),
    summary,
    h('div', { class: 'filters' }, field('Search', search), field('Show', show)),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'roster-table' },
        h('caption', { class: 'sr-only' }, 'Experts'),
        h('thead', null, head),
        list,
      ),
    ),
    isAdmin() ? [usersPanel(), tokensPanel(), channelWebhooksPanel(), settingsPanel()] : null,
  );
  void load();
  const offs = [
    on('expert.presence', (d) => {
      const e = all.find((x) => x.id === d.expertId);
      if (!e) return void load();
      Object.assign(e, { online: d.online, availability: d.availability });
      all = all.map((x) => (x === e ? { ...e } : x));
      render();
    }),
    on('question.claimed', () => void load()),
    onResync(() => void load()),
  ];
  return () => offs.forEach((off) => off());
}
