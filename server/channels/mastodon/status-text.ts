// The words of a Mastodon status and of the brand's reply. A status arrives as HTML written by whoever runs the
// customer's server: it is reduced to plain text (tags dropped, entities decoded once) and never kept or shown as
// HTML. A reply is addressed to the customer by their full handle, because a bare @user reaches only local accounts
// and a direct reply is seen by nobody it does not mention.

export type Visibility = 'public' | 'unlisted' | 'private' | 'direct';

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, name: string) => {
    if (name[0] !== '#') return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Plain text from a status's HTML: paragraphs as blank lines, <br> as a line break, every other tag dropped. */
export function statusText(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p\s*>\s*<p(\s[^>]*)?>/gi, '\n\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .replace(/[ \t]+\n/g, '\n')
    .trim();
}

/** `user@domain` for a remote account, `user` for a local one: the part a reply must mention. */
export function addressOf(acct: string): string {
  return `@${acct}`;
}

const HANDLE_END = '(?![\\p{L}\\p{N}_.@-]*[\\p{L}\\p{N}_])';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The reply as posted: it starts with the customer's full handle. A text that already starts with it is kept, and
 * one that starts with the bare local part of a remote handle gets the domain added, so nobody is mentioned twice.
 */
export function addressed(text: string, acct: string): string {
  const body = text.trim();
  const full = addressOf(acct);
  if (new RegExp(`^${escapeRegExp(full)}${HANDLE_END}`, 'iu').test(body)) return body;
  const local = `@${acct.split('@')[0]}`;
  if (acct.includes('@') && new RegExp(`^${escapeRegExp(local)}${HANDLE_END}`, 'iu').test(body))
    return `${full}${body.slice(local.length)}`;
  return `${full} ${body}`;
}

const WIDTH: Record<Visibility, number> = { direct: 0, private: 1, unlisted: 2, public: 3 };

/** The reply is never seen by more people than the customer's post: a direct mention is answered directly. */
export function replyVisibility(customer: string, widest: Visibility = 'public'): Visibility {
  const theirs = customer in WIDTH ? (customer as Visibility) : 'direct';
  return WIDTH[theirs] < WIDTH[widest] ? theirs : widest;
}

/**
 * The same words as Mastodon shows them back: the server renders a remote mention by its local part and keeps
 * whitespace its own way, so both sides drop mention domains and collapse whitespace before comparing.
 */
export function comparableText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/(^|[^\p{L}\p{N}_])@([\p{L}\p{N}_.-]+)@[\p{L}\p{N}.-]+/gu, '$1@$2')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * Where a person opens a status on the brand's own server: `/@acct/id` shows a local copy of any status it knows,
 * remote ones included, with the brand's session (ids are per server, so a link to the author's server would need
 * their id there).
 */
export function statusUrl(serverUrl: string, acct: string, statusId: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/@${encodeURIComponent(acct).replace('%40', '@')}/${encodeURIComponent(statusId)}`;
}
