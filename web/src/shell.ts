// The frame around every view: navigation by role, connection state, channel health, availability, sign-out.
import type { Health } from '../../server/contracts/api.js';
import { onAlertsChange, unseenAlerts } from './alerts.js';
import { get } from './api.js';
import { h, replace } from './dom.js';
import { dateTime, duration } from './format.js';
import { onInboxChange, openOfferCount } from './offers.js';
import { onResync, onState } from './realtime.js';
import { isAdmin, isManager, onProfile, saveProfile, session } from './session.js';
import { busy, toast } from './ui.js';

export interface NavItem {
  path: string;
  label: string;
}

export function navItems(): NavItem[] {
  const items: NavItem[] = [];
  if (isManager()) items.push({ path: 'queue', label: 'Queue' }, { path: 'review', label: 'Review' });
  if (session.profile || !isManager())
    items.push({ path: 'inbox', label: 'Inbox' }, { path: 'answers', label: 'My answers' });
  if (isManager())
    items.push(
      { path: 'roster', label: 'People' },
      { path: 'tags', label: 'Tags' },
      { path: 'metrics', label: 'Metrics' },
    );
  items.push({ path: 'profile', label: 'Profile' });
  return items;
}

function connectionIndicator(): HTMLElement {
  const el = h('span', { class: 'conn', role: 'status' });
  let timer: ReturnType<typeof setInterval> | undefined;
  onState((state, retryAt) => {
    clearInterval(timer);
    const render = () => {
      const label =
        state === 'live'
          ? 'Live'
          : state === 'connecting'
            ? 'Connecting…'
            : retryAt
              ? `Offline, retrying in ${duration(Math.max(0, retryAt - Date.now()))}`
              : 'Offline';
      el.className = `conn conn-${state}`;
      el.title = state === 'live' ? 'Updates arrive as they happen' : 'Not receiving live updates';
      replace(el, h('span', { class: 'dot', 'aria-hidden': 'true' }), h('span', { class: 'conn-label' }, label));
    };
    render();
    if (state === 'offline' && retryAt) timer = setInterval(render, 1000);
  });
  return el;
}

function healthIndicator(): HTMLElement {
  const el = h('span', { class: 'health', 'aria-label': 'Channel status' });
  const load = async () => {
    try {
      const health = await get<Health>('/health');
      replace(
        el,
        health.channels.length
          ? health.channels.map((c) => {
              const detail = [
                `${c.name}: ${c.state}`,
                c.lastPollAt ? `last poll ${dateTime(c.lastPollAt)}` : null,
                c.waitUntil ? `waiting until ${dateTime(c.waitUntil)}` : null,
                c.lastError ? `error: ${c.lastError}` : null,
                c.outbox ? `outbox ${c.outbox.pending} pending, ${c.outbox.failed} failed` : null,
              ]
                .filter(Boolean)
                .join(' · ');
              const bad = c.state === 'error' || (c.outbox?.failed ?? 0) > 0;
              const warn = c.state === 'waiting' || c.state === 'disabled';
              return h(
                'span',
                {
                  class: `chan ${bad ? 'chan-bad' : warn ? 'chan-warn' : 'chan-ok'}`,
                  title: detail,
                  tabindex: '0',
                  'aria-label': detail,
                },
                h('span', { class: 'dot', 'aria-hidden': 'true' }),
                c.name,
                c.outbox?.failed ? ` (${c.outbox.failed} failed)` : null,
              );
            })
          : h('span', { class: 'chan chan-warn' }, 'no channels'),
      );
      if (health.db !== 'ok') el.prepend(h('span', { class: 'chan chan-bad' }, 'database error'));
    } catch {
      replace(
        el,
        h(
          'span',
          { class: 'chan chan-bad', title: 'GET /health failed' },
          h('span', { class: 'dot', 'aria-hidden': 'true' }),
          'health unknown',
        ),
      );
    }
  };
  void load();
  setInterval(load, 20_000);
  onResync(load);
  return el;
}

function availabilityToggle(): HTMLElement {
  const btn = h('button', { type: 'button', class: 'avail' });
  const render = () => {
    const p = session.profile;
    btn.hidden = !p;
    if (!p) return;
    const available = p.availability === 'available';
    btn.setAttribute('aria-pressed', String(available));
    btn.className = `avail ${available ? 'avail-on' : 'avail-off'}`;
    btn.title = available ? 'You get offers. Select to go away.' : 'You get no offers. Select to become available.';
    replace(btn, h('span', { class: 'dot', 'aria-hidden': 'true' }), available ? 'Available' : 'Away');
  };
  btn.addEventListener('click', () =>
    busy(btn, async () => {
      const next = session.profile?.availability === 'available' ? 'away' : 'available';
      await saveProfile({ availability: next });
      toast(
        next === 'available'
          ? 'You are available: new questions will be offered to you.'
          : 'You are away: no new offers.',
        'ok',
      );
    }),
  );
  onProfile(render);
  render();
  return btn;
}

export function renderShell(
  root: HTMLElement,
  onLogout: () => void,
): { main: HTMLElement; setActive(path: string): void } {
  const nav = h('nav', { class: 'nav', 'aria-label': 'Main' });
  const renderNav = () => {
    const count = openOfferCount();
    replace(
      nav,
      navItems().map((item) =>
        h(
          'a',
          { href: `#/${item.path}`, 'data-path': item.path },
          item.label,
          item.path === 'inbox' && count
            ? h('span', { class: 'count', 'aria-label': `${count} open offers` }, String(count))
            : null,
        ),
      ),
    );
    // The title counts what wants attention: open offers, and a manager's alerts not yet seen.
    const badge = count + unseenAlerts();
    document.title = badge ? `(${badge}) Helpforce` : 'Helpforce';
    setActive(current);
  };
  let current = '';
  const setActive = (path: string) => {
    current = path;
    nav.querySelectorAll('a').forEach((a) => {
      if (a.dataset.path === path) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
    // On a phone the nav is one line that scrolls sideways: the current page is brought into view (sideways only,
    // so a live update of the nav never moves the page under the reader).
    const active = nav.querySelector<HTMLElement>('[aria-current="page"]');
    if (active && nav.scrollWidth > nav.clientWidth)
      nav.scrollLeft +=
        active.getBoundingClientRect().left -
        nav.getBoundingClientRect().left -
        (nav.clientWidth - active.offsetWidth) / 2;
  };
  onInboxChange(renderNav);
  onProfile(renderNav);
  onAlertsChange(renderNav);
  const main = h('main', { id: 'main', tabindex: '-1' });
  const header = h(
    'header',
    { class: 'top' },
    h(
      'div',
      { class: 'top-row' },
      h('a', { class: 'brand', href: '#/' }, 'Helpforce'),
      h('div', { class: 'status' }, connectionIndicator(), isManager() ? healthIndicator() : null),
      h(
        'div',
        { class: 'me' },
        availabilityToggle(),
        h('span', { class: 'who' }, session.user!.name),
        h('button', { type: 'button', class: 'link', onclick: onLogout }, 'Sign out'),
      ),
    ),
    nav,
  );
  replace(root, header, main);
  renderNav();
  return { main, setActive };
}
