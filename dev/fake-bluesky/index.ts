// A stand-in for a Bluesky PDS (with the AppView methods it proxies) that speaks XRPC, so the official @atproto/api
// agent runs against it unchanged: sessions, the brand's notifications, posts and records, in memory. Tests and the
// demo add customers' posts with addPost (the demo puts an earlier run's back with restorePost) and inject faults (a
// 429 with ratelimit-* headers, a 5xx, a dropped connection, an answer lost after the write was stored).
import Fastify from 'fastify';
import { FaultInjector, type FaultRule } from './faults.js';
import { didFor } from './ids.js';
import { FAKE_APP_PASSWORD, rateLimitHeaders, registerXrpcRoutes } from './routes.js';
import { FakeSessions } from './sessions.js';
import { FakeBlueskyState, POST, type StoredRecord } from './state.js';

export type { FaultRule } from './faults.js';
export type { StoredRecord } from './state.js';

export interface FakeBlueskyOptions {
  brand?: { handle?: string; displayName?: string };
  clock?: () => number;
  port?: number;
  host?: string;
}

export interface NewPost {
  author: { handle: string; displayName?: string };
  text: string;
  /** The post it replies under (its at:// URI); the thread's root is taken from it. */
  replyTo?: string;
  /** Put "@brand " in front when the text does not mention the brand (a reply under the brand's post need not). */
  mentionBrand?: boolean;
  langs?: string[];
}

/** A post known from an earlier run (the demo's database), to be put back as it was. */
export interface KnownPost {
  /** at://<did>/app.bsky.feed.post/<tid>: the author's DID and the record key are kept. */
  uri: string;
  /** A customer; the brand when absent. */
  author?: { handle: string; displayName?: string };
  text: string;
  createdAt: Date;
  /** The parent's at:// URI; the thread's root is taken from the parent's record. */
  replyTo?: string;
  langs?: string[];
}

const TID = '[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}';
const POST_URI = new RegExp(`^at://(did:[a-z]+:[a-zA-Z0-9._:%-]+)/app\\.bsky\\.feed\\.post/(${TID})$`);

/** The server's overall limit (bsky.social: 3000 requests per 5 minutes), sent on every answer as a PDS does. */
const GLOBAL_LIMIT = { limit: 3000, windowSec: 300 };

export async function startFakeBluesky(options: FakeBlueskyOptions = {}) {
  const clock = options.clock ?? Date.now;
  const handle = (options.brand?.handle ?? 'acmehelp.bsky.social').toLowerCase();
  const state = new FakeBlueskyState(
    { did: didFor(handle), handle, displayName: options.brand?.displayName ?? 'Acme Support' },
    clock,
  );
  const sessions = new FakeSessions(clock);
  const faults = new FaultInjector();
  const requests: { nsid: string; status: number }[] = [];
  let window = { start: clock(), used: 0 };

  const app = Fastify({ logger: false, forceCloseConnections: true });
  // A procedure without input (refreshSession) may come with no body at all.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, body === '' ? {} : JSON.parse(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  const dropAfter = new WeakSet<object>();
  const hangAfter = new WeakSet<object>();
  app.addHook('onRequest', async (request, reply) => {
    const nsid = (request.params as { nsid?: string }).nsid ?? '';
    if (clock() - window.start >= GLOBAL_LIMIT.windowSec * 1000) window = { start: clock(), used: 0 };
    window.used++;
    const resetAt = Math.ceil((window.start + GLOBAL_LIMIT.windowSec * 1000) / 1000);
    reply.headers(rateLimitHeaders(GLOBAL_LIMIT, Math.max(0, GLOBAL_LIMIT.limit - window.used), resetAt));
    const fault = faults.take(nsid);
    if (!fault) return;
    if (fault.drop === 'before') {
      requests.push({ nsid, status: 0 });
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    if (fault.drop === 'after') dropAfter.add(request);
    if (fault.hang === 'after') hangAfter.add(request);
    if (fault.status) {
      const reset = Math.ceil(clock() / 1000) + (fault.resetInSec ?? 60);
      if (fault.status === 429) reply.headers(rateLimitHeaders(GLOBAL_LIMIT, 0, reset));
      const error = fault.status === 429 ? 'RateLimitExceeded' : 'InternalServerError';
      return reply.code(fault.status).send({ error, message: `injected ${fault.status}` });
    }
  });
  app.addHook('onSend', async (request, reply, payload) => {
    requests.push({ nsid: (request.params as { nsid?: string }).nsid ?? '', status: reply.statusCode });
    if (dropAfter.has(request)) request.raw.socket.destroy();
    const socket = request.raw.socket;
    if (hangAfter.has(request) && !socket.destroyed) await new Promise((resolve) => socket.once('close', resolve));
    return payload;
  });
  registerXrpcRoutes(app, state, sessions);
  // For a person trying the fake by hand (dev/fake-bluesky/cli.ts): add a customer's post over HTTP.
  app.post('/_fake/posts', async (request, reply) => {
    const body = request.body as Partial<NewPost> | undefined;
    if (!body?.author?.handle || typeof body.text !== 'string')
      return reply.code(400).send({ error: 'InvalidRequest', message: 'author.handle and text are required' });
    const post = addPost({ mentionBrand: !body.replyTo, ...body, author: body.author, text: body.text });
    return reply.code(201).send({ uri: post.uri, cid: post.cid });
  });

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  /** A customer's post, with a mention facet (UTF-8 byte offsets) for every @handle the fake knows. */
  function addPost(input: NewPost): StoredRecord {
    const author = state.customer(input.author.handle.toLowerCase(), input.author.displayName);
    const mentions = new RegExp(`(^|\\s)@${state.brand.handle.replace(/\./g, '\\.')}\\b`, 'i').test(input.text);
    const text = input.mentionBrand && !mentions ? `@${state.brand.handle} ${input.text}` : input.text;
    const parent = input.replyTo ? state.record(input.replyTo) : undefined;
    if (input.replyTo && !parent) throw new Error(`no post ${input.replyTo} to reply to`);
    const { rkey, at } = state.nextTid();
    return state.write(author.did, POST, rkey, postValue(text, parent, input.langs, at));
  }

  /** A post's record: a mention facet (UTF-8 byte offsets) per @handle the fake knows, `reply` refs from the parent. */
  function postValue(text: string, parent: StoredRecord | undefined, langs: string[] | undefined, createdAt: string) {
    const facets = [...text.matchAll(/(^|\s)@([a-z0-9.-]+\.[a-z]+)/gi)].flatMap((match) => {
      const mentioned = state.byHandle(match[2] ?? '');
      if (!mentioned) return [];
      const start = Buffer.byteLength(text.slice(0, (match.index ?? 0) + (match[1]?.length ?? 0)));
      return [
        {
          index: { byteStart: start, byteEnd: start + Buffer.byteLength(`@${match[2]}`) },
          features: [{ $type: 'app.bsky.richtext.facet#mention', did: mentioned.did }],
        },
      ];
    });
    const parentRef = parent && { uri: parent.uri, cid: parent.cid };
    const root = (parent?.value.reply as { root?: { uri: string; cid: string } } | undefined)?.root ?? parentRef;
    return {
      $type: POST,
      text,
      ...(facets.length ? { facets } : {}),
      ...(parentRef && root ? { reply: { root, parent: parentRef } } : {}),
      ...(langs ? { langs } : {}),
      createdAt,
    };
  }

  /**
   * A post of an earlier run put back under its own at:// URI (DID and record key) and time, without a notification
   * (Helpforce has it already): the demo restores what its database holds. It replies under its parent when the
   * parent is here, so restore parents first. False when the URI is not a post's, is taken, or names another account
   * than the brand for a post of the brand's.
   */
  function restorePost(post: KnownPost): boolean {
    const [, did = '', rkey = ''] = POST_URI.exec(post.uri) ?? [];
    if (!did || state.record(post.uri)) return false;
    const author = post.author ? state.restoreAccount(did, post.author.handle, post.author.displayName) : state.brand;
    if (author.did !== did) return false;
    const parent = post.replyTo ? state.record(post.replyTo) : undefined;
    const createdAt = post.createdAt.toISOString();
    state.restore(did, POST, rkey, postValue(post.text, parent, post.langs, createdAt), createdAt);
    return true;
  }

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    brand: { did: state.brand.did, handle: state.brand.handle },
    credentials: { identifier: state.brand.handle, password: FAKE_APP_PASSWORD },
    /** A customer's post that mentions the brand (the handle is put in front when the text lacks it). */
    addMention: (input: Omit<NewPost, 'mentionBrand'>) => addPost({ ...input, mentionBrand: true }),
    addPost,
    restorePost,
    /** Every post the brand has made, newest first. */
    brandPosts: () => state.postsBy(state.brand.did).sort((a, b) => (a.rkey < b.rkey ? 1 : -1)),
    record: (uri: string) => state.record(uri),
    injectFault: (rule: FaultRule) => faults.inject(rule),
    clearFaults: () => faults.clear(),
    sessions: {
      get created() {
        return sessions.created;
      },
      get refreshed() {
        return sessions.refreshed;
      },
      expireAccessTokens: () => sessions.expireAccessTokens(),
      revokeAll: () => sessions.revokeAll(),
    },
    requests,
    close: () => app.close(),
  };
}
export type FakeBluesky = Awaited<ReturnType<typeof startFakeBluesky>>;
