import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendError } from './gate.js';
import { accountJson, notificationJson, statusJson } from './render.js';
import type { FakeMastodonState } from './state.js';
import type { FakeAccount, Visibility } from './types.js';

type Query = Record<string, string | string[] | undefined>;
const VISIBILITIES: Visibility[] = ['public', 'unlisted', 'private', 'direct'];
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

const list = (query: Query, name: string): string[] => {
  const value = query[`${name}[]`] ?? query[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
};
const one = (query: Query, name: string): string | undefined => {
  const value = query[name];
  return Array.isArray(value) ? value[0] : value;
};
const big = (id: string) => BigInt(id);

/**
 * Mastodon's paging over an id-ordered list: max_id (older than), since_id (newer than, the newest page), min_id
 * (newer than, the page just above it). Newest first either way.
 */
export function paginate<T extends { id: string }>(
  ascending: T[],
  query: Query,
  defaultLimit: number,
  maxLimit: number,
) {
  const limit = Math.min(maxLimit, Math.max(1, Number(one(query, 'limit')) || defaultLimit));
  const [maxId, sinceId, minId] = ['max_id', 'since_id', 'min_id'].map((name) => {
    const value = one(query, name);
    return value && /^\d+$/.test(value) ? big(value) : undefined;
  });
  const within = ascending.filter(
    (item) =>
      (maxId === undefined || big(item.id) < maxId) &&
      (sinceId === undefined || big(item.id) > sinceId) &&
      (minId === undefined || big(item.id) > minId),
  );
  const picked = minId !== undefined ? within.slice(0, limit) : within.slice(-limit);
  return picked.reverse();
}

/** `Link: <…?max_id=oldest>; rel="next", <…?min_id=newest>; rel="prev"`, keeping the request's filters. */
function linkHeader(request: FastifyRequest, page: { id: string }[]): string | undefined {
  const newest = page[0];
  const oldest = page.at(-1);
  if (!newest || !oldest) return undefined;
  const base = `http://${request.headers.host}${request.url.split('?')[0]}`;
  const params = new URLSearchParams(request.url.split('?')[1] ?? '');
  for (const name of ['max_id', 'since_id', 'min_id']) params.delete(name);
  const withParam = (name: string, id: string) => {
    const next = new URLSearchParams(params);
    next.set(name, id);
    return `${base}?${next.toString().replace(/%5B%5D=/g, '[]=')}`;
  };
  return `<${withParam('max_id', oldest.id)}>; rel="next", <${withParam('min_id', newest.id)}>; rel="prev"`;
}

/** Mastodon's count: graphemes, every URL as 23, a mention of another server's account by its username only. */
export function countedLength(text: string): number {
  const countable = text
    .replace(/https?:\/\/[^\s<>"]+/giu, 'x'.repeat(23))
    .replace(/(^|[^\p{L}\p{N}_/@])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)@[a-z0-9.-]+\.[a-z]{2,}/giu, '$1@$2');
  return [...segmenter.segment(countable)].length;
}

export function registerRoutes(app: FastifyInstance, state: FakeMastodonState): void {
  const accountOf = (id: string): FakeAccount => {
    const account = state.accountById(id);
    if (!account) throw new Error(`Unknown account ${id}`);
    return account;
  };
  const status = (id: string) => {
    const found = state.status(id);
    return found ? statusJson(found, accountOf, state.domain) : undefined;
  };

  app.get('/api/v1/accounts/verify_credentials', async () => ({
    ...accountJson(state.brand, state.domain),
    source: { privacy: 'public', sensitive: false, language: 'en', note: '', fields: [] },
  }));

  app.get('/api/v2/instance', async () => ({
    domain: state.domain,
    title: 'Fake Mastodon',
    version: '4.3.0',
    source_url: 'https://github.com/mastodon/mastodon',
    description: 'A stand-in for a Mastodon server in tests and the demo.',
    usage: { users: { active_month: 1 } },
    languages: ['en'],
    configuration: {
      urls: { streaming: `wss://${state.domain}` },
      accounts: { max_featured_tags: 10, max_pinned_statuses: 5 },
      statuses: { max_characters: state.maxCharacters, max_media_attachments: 4, characters_reserved_per_url: 23 },
    },
    registrations: { enabled: false, approval_required: false, message: null },
    rules: [],
  }));

  app.get<{ Querystring: Query }>('/api/v1/notifications', async (request, reply) => {
    const types = list(request.query, 'types');
    const excluded = list(request.query, 'exclude_types');
    const withFiltered = one(request.query, 'include_filtered') === 'true';
    const mine = state
      .notificationsOf(state.brand.id)
      .filter(
        (n) =>
          (types.length === 0 || types.includes(n.type)) && !excluded.includes(n.type) && (withFiltered || !n.filtered),
      );
    const page = paginate(mine, request.query, 40, 80);
    const link = linkHeader(request, page);
    if (link) reply.header('link', link);
    return page.flatMap((n) => {
      const mentioned = state.status(n.statusId);
      return mentioned ? [notificationJson(n, mentioned, accountOf, state.domain)] : [];
    });
  });

  app.get<{ Params: { id: string } }>('/api/v1/statuses/:id', async (request, reply) => {
    const found = state.status(request.params.id);
    if (!found || !state.visibleTo(found, state.brand.id)) return sendError(reply, 404, 'Record not found');
    return status(found.id);
  });

  app.get<{ Params: { id: string }; Querystring: Query }>('/api/v1/accounts/:id/statuses', async (request, reply) => {
    const account = state.accountById(request.params.id);
    if (!account) return sendError(reply, 404, 'Record not found');
    const excludeReplies = one(request.query, 'exclude_replies') === 'true';
    const theirs = state
      .statusesBy(account.id)
      .filter((s) => state.visibleTo(s, state.brand.id) && !(excludeReplies && s.inReplyToId));
    const page = paginate(theirs, request.query, 20, 40);
    const link = linkHeader(request, page);
    if (link) reply.header('link', link);
    return page.map((s) => status(s.id));
  });

  app.post<{ Body: Record<string, unknown> | undefined }>('/api/v1/statuses', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    // Checked before anything else, as Mastodon does: a repeat returns the first status, whatever its body says.
    const earlier = typeof key === 'string' ? state.rememberedPost(state.brand.id, key) : undefined;
    if (earlier) return status(earlier.id);
    const body = request.body ?? {};
    const text = typeof body.status === 'string' ? body.status : '';
    const visibility = (body.visibility ?? 'public') as Visibility;
    const inReplyToId = typeof body.in_reply_to_id === 'string' ? body.in_reply_to_id : undefined;
    if (text.trim() === '') return sendError(reply, 422, "Validation failed: Text can't be blank");
    if (!VISIBILITIES.includes(visibility)) return sendError(reply, 422, 'Validation failed: Visibility is invalid');
    if (countedLength(text) > state.maxCharacters)
      return sendError(reply, 422, `Validation failed: Text character limit of ${state.maxCharacters} exceeded`);
    const parent = inReplyToId ? state.status(inReplyToId) : undefined;
    if (inReplyToId && (!parent || !state.visibleTo(parent, state.brand.id)))
      return sendError(reply, 404, 'Record not found');
    const created = state.addStatus({ author: state.brand, text, visibility, inReplyToId });
    if (typeof key === 'string') state.rememberPost(state.brand.id, key, created);
    return status(created.id);
  });
}
