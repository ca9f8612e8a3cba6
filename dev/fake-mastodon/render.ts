// Mastodon's wire format: snake_case JSON entities, and a status's text as the HTML Mastodon makes of it (paragraphs,
// <br />, links split into visible and invisible parts, mentions as h-card links showing only the username).
import type { FakeAccount, FakeNotification, FakeStatus } from './types.js';

const TOKEN =
  /(https?:\/\/[^\s<>"]+)|(?<![\p{L}\p{N}_/@])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@([a-z0-9.-]+\.[a-z]{2,}))?/giu;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`);
}

function link(url: string): string {
  const [, scheme = '', rest = url] = /^(https?:\/\/(?:www\.)?)(.*)$/.exec(url) ?? [];
  const shown = rest.slice(0, 30);
  const hidden = rest.slice(30);
  return (
    `<a href="${escapeHtml(url)}" target="_blank" rel="nofollow noopener" translate="no">` +
    `<span class="invisible">${escapeHtml(scheme)}</span>` +
    `<span class="${hidden ? 'ellipsis' : ''}">${escapeHtml(shown)}</span>` +
    `<span class="invisible">${escapeHtml(hidden)}</span></a>`
  );
}

function renderLine(line: string, mentionUrl: (username: string, domain?: string) => string | undefined): string {
  let html = '';
  let last = 0;
  for (const match of line.matchAll(TOKEN)) {
    const [whole, url, username = '', domain] = match;
    const at = match.index ?? 0;
    html += escapeHtml(line.slice(last, at));
    last = at + whole.length;
    if (url) html += link(url);
    else {
      const href = mentionUrl(username, domain);
      html += href
        ? `<span class="h-card" translate="no"><a href="${escapeHtml(href)}" class="u-url mention">@<span>${escapeHtml(username)}</span></a></span>`
        : escapeHtml(whole);
    }
  }
  return html + escapeHtml(line.slice(last));
}

export function renderContent(text: string, mentionUrl: (username: string, domain?: string) => string | undefined) {
  return text
    .trim()
    .split(/\n{2,}/)
    .map(
      (paragraph) =>
        `<p>${paragraph
          .split('\n')
          .map((line) => renderLine(line, mentionUrl))
          .join('<br />')}</p>`,
    )
    .join('');
}

export function accountJson(account: FakeAccount, domain: string) {
  const host = account.domain ?? domain;
  return {
    id: account.id,
    username: account.username,
    acct: account.acct,
    display_name: account.displayName,
    locked: false,
    bot: false,
    discoverable: true,
    group: false,
    created_at: account.createdAt.toISOString(),
    note: '',
    url: `https://${host}/@${account.username}`,
    uri: `https://${host}/users/${account.username}`,
    avatar: `https://${domain}/avatars/original/missing.png`,
    avatar_static: `https://${domain}/avatars/original/missing.png`,
    header: `https://${domain}/headers/original/missing.png`,
    header_static: `https://${domain}/headers/original/missing.png`,
    followers_count: 0,
    following_count: 0,
    statuses_count: 0,
    last_status_at: null,
    emojis: [],
    fields: [],
  };
}

export function statusJson(status: FakeStatus, accounts: (id: string) => FakeAccount, domain: string) {
  const author = accounts(status.accountId);
  const host = author.domain ?? domain;
  return {
    id: status.id,
    created_at: status.createdAt.toISOString(),
    in_reply_to_id: status.inReplyToId,
    in_reply_to_account_id: status.inReplyToAccountId,
    sensitive: false,
    spoiler_text: '',
    visibility: status.visibility,
    language: status.language,
    uri: `https://${host}/users/${author.username}/statuses/${status.id}`,
    url: `https://${host}/@${author.username}/${status.id}`,
    replies_count: 0,
    reblogs_count: 0,
    favourites_count: 0,
    edited_at: null,
    content: status.content,
    reblog: null,
    application: null,
    account: accountJson(author, domain),
    media_attachments: [],
    mentions: status.mentionIds.map((id) => {
      const account = accounts(id);
      return { id, username: account.username, acct: account.acct, url: accountJson(account, domain).url };
    }),
    tags: [],
    emojis: [],
    card: null,
    poll: null,
  };
}

export function notificationJson(
  notification: FakeNotification,
  status: FakeStatus,
  accounts: (id: string) => FakeAccount,
  domain: string,
) {
  return {
    id: notification.id,
    type: notification.type,
    group_key: `ungrouped-${notification.id}`,
    created_at: notification.createdAt.toISOString(),
    account: accountJson(accounts(notification.accountId), domain),
    status: statusJson(status, accounts, domain),
  };
}
