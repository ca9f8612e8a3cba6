// The channels questions come in on, as the client shows them: a badge naming the network, the list the queue
// filters by (GET /api/channels/rules, read once), and the manager's panel of each channel's state (GET /health).
import type { z } from 'zod';
import type { Health } from '../../server/contracts/api.js';
import type { ChannelRulesSchema } from '../../server/contracts/channels.js';
import { channelLabel, type LengthRuleInfo, X_RULE_INFO } from '../../server/domain/channel-display.js';
import { get } from './api.js';
import { h } from './dom.js';
import { dateTime } from './format.js';

export type ChannelRules = z.infer<typeof ChannelRulesSchema>;

let rules: Promise<ChannelRules> | null = null;

/** Every channel with an adapter and its rule; asked once a page load, again after a failure. */
export function channelRules(): Promise<ChannelRules> {
  rules ??= get<ChannelRules>('/api/channels/rules').catch((err) => {
    rules = null;
    throw err;
  });
  return rules;
}

/** The rule replies on `channel` are counted by: its adapter's, else the fallback (X's), as the server counts. */
export function ruleInfoFor(rules: ChannelRules | null, channel: string): LengthRuleInfo {
  return rules?.items.find((c) => c.name === channel)?.length ?? rules?.fallback ?? X_RULE_INFO;
}

/** The network a question came in on, in words, so it reads the same without colour or an icon. */
export function channelBadge(channel: string): HTMLElement {
  const label = channelLabel(channel);
  return h(
    'span',
    {
      class: `chip channel-badge channel-${channel.replace(/[^a-z0-9_-]/g, '')}`,
      title: `Came in on ${label}`,
      'data-channel': channel,
    },
    label,
  );
}

type ChannelHealth = Health['channels'][number];

function stateText(c: ChannelHealth): string {
  if (c.state === 'waiting' && c.waitUntil) return `rate limited until ${dateTime(c.waitUntil)}`;
  if (c.state === 'error') return `error${c.lastError ? `: ${c.lastError}` : ''}`;
  return c.state;
}

/** Each channel's ingest and outbox, for the manager: where polling stands, what waits to go out, what failed. */
export function channelsPanel(): HTMLElement {
  const body = h('tbody');
  const panel = h(
    'section',
    { class: 'channels-panel', 'aria-labelledby': 'channels-panel-title' },
    h('h2', { id: 'channels-panel-title' }, 'Channels'),
    h(
      'table',
      { class: 'channels-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Channel', 'State', 'Last poll', 'Cursor', 'Waiting to send', 'Failed'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      body,
    ),
  );
  void get<Health>('/health')
    .then((health) => {
      body.replaceChildren(
        ...(health.channels.length
          ? health.channels.map((c) =>
              h(
                'tr',
                { 'data-channel': c.name, class: c.state === 'error' || c.outbox?.failed ? 'channel-bad' : '' },
                h('th', { scope: 'row' }, channelLabel(c.name)),
                h('td', null, stateText(c)),
                h('td', null, c.lastPollAt ? dateTime(c.lastPollAt) : '—'),
                h('td', null, c.cursor ? h('code', null, c.cursor) : '—'),
                h('td', null, String(c.outbox?.pending ?? 0)),
                h('td', null, String(c.outbox?.failed ?? 0)),
              ),
            )
          : [h('tr', null, h('td', { colspan: 6 }, 'No channel is connected.'))]),
      );
    })
    .catch(() => {
      body.replaceChildren(h('tr', null, h('td', { colspan: 6, role: 'alert' }, 'Channel state unavailable.')));
    });
  return panel;
}
