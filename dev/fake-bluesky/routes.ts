// The XRPC methods @atproto/api calls for the Bluesky channel, answering in the lexicons' shapes (the agent checks
// every answer against them). Errors are `{error, message}` with the status a PDS uses.
import { lexicons } from '@atproto/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CREATE_SESSION_LIMIT, type FakeSessions } from './sessions.js';
import { cidFor } from './ids.js';
import { POST, type Account, type FakeBlueskyState, type StoredRecord } from './state.js';

export class XrpcError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

const TID = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;

type Params = Record<string, string | string[] | undefined>;
type Handler = (input: { params: Params; body: Record<string, unknown>; did: string | null }) => unknown;

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

function profile(account: Account) {
  return {
    did: account.did,
    handle: account.handle,
    ...(account.displayName ? { displayName: account.displayName } : {}),
  };
}

export function registerXrpcRoutes(app: FastifyInstance, state: FakeBlueskyState, sessions: FakeSessions) {
  const account = (repo: unknown): Account => {
    const found = typeof repo === 'string' ? (state.accounts.get(repo) ?? state.byHandle(repo)) : undefined;
    if (!found) throw new XrpcError(400, 'InvalidRequest', `Could not find repo: ${String(repo)}`);
    return found;
  };
  const own = (repo: unknown, did: string | null): Account => {
    const found = account(repo);
    if (found.did !== did) throw new XrpcError(401, 'AuthRequired', 'Not the repo of this session');
    return found;
  };
  const checkedRecord = (collection: unknown, record: unknown): Record<string, unknown> => {
    if (typeof collection !== 'string' || !record || typeof record !== 'object')
      throw new XrpcError(400, 'InvalidRequest', 'collection and record are required');
    const value = record as Record<string, unknown>;
    if (value.$type !== collection) throw new XrpcError(400, 'InvalidRecord', 'Record/$type must match the collection');
    try {
      lexicons.assertValidRecord(collection, value);
    } catch (error) {
      throw new XrpcError(400, 'InvalidRecord', `Invalid ${collection} record: ${(error as Error).message}`);
    }
    return value;
  };
  const written = (stored: StoredRecord) => ({ uri: stored.uri, cid: stored.cid, validationStatus: 'valid' });
  const session = (did: string, tokens: { accessJwt: string; refreshJwt: string }) => {
    const known = state.accounts.get(did);
    return { ...tokens, did, handle: known?.handle ?? 'handle.invalid', active: true, emailConfirmed: true };
  };

  const publicMethods: Record<string, Handler> = {
    'com.atproto.server.createSession': ({ body }) => {
      const { identifier, password } = body;
      const brand = state.brand;
      if ((identifier !== brand.handle && identifier !== brand.did) || password !== FAKE_APP_PASSWORD)
        throw new XrpcError(401, 'AuthenticationRequired', 'Invalid identifier or password');
      const created = sessions.create(brand);
      if ('resetAt' in created) throw new RateLimited(created.resetAt);
      return session(brand.did, created);
    },
    'com.atproto.identity.resolveHandle': ({ params }) => {
      const found = state.byHandle(one(params.handle) ?? '');
      if (!found) throw new XrpcError(400, 'HandleNotFound', 'Unable to resolve handle');
      return { did: found.did };
    },
    'com.atproto.repo.getRecord': ({ params }) => {
      const repo = account(one(params.repo));
      const uri = `at://${repo.did}/${one(params.collection)}/${one(params.rkey)}`;
      const stored = state.record(uri);
      if (!stored) throw new XrpcError(400, 'RecordNotFound', `Could not locate record: ${uri}`);
      return { uri: stored.uri, cid: stored.cid, value: stored.value };
    },
    'com.atproto.repo.listRecords': ({ params }) => {
      const repo = account(one(params.repo));
      const limit = Math.min(100, Number(one(params.limit) ?? 50));
      const cursor = one(params.cursor);
      const reverse = one(params.reverse) === 'true';
      const records = [...state.records.values()]
        .filter((r) => r.did === repo.did && r.collection === one(params.collection))
        .sort((a, b) => (a.rkey < b.rkey ? 1 : -1) * (reverse ? -1 : 1))
        .filter((r) => !cursor || (reverse ? r.rkey > cursor : r.rkey < cursor));
      const page = records.slice(0, limit);
      return {
        records: page.map((r) => ({ uri: r.uri, cid: r.cid, value: r.value })),
        ...(records.length > limit && page.length ? { cursor: page[page.length - 1]?.rkey } : {}),
      };
    },
  };

  const sessionMethods: Record<string, Handler> = {
    'com.atproto.server.getSession': ({ did }) => {
      const known = state.accounts.get(did ?? '');
      return { did, handle: known?.handle, active: true, emailConfirmed: true };
    },
    'app.bsky.notification.listNotifications': ({ params, did }) => {
      if (did !== state.brand.did) return { notifications: [] };
      const reasons = list(params.reasons);
      const limit = Math.min(100, Number(one(params.limit) ?? 50));
      const before = one(params.cursor) ? Number(one(params.cursor)) : Infinity;
      const matching = state.notifications
        .filter((n) => n.seq < before && (reasons.length === 0 || reasons.includes(n.reason)))
        .sort((a, b) => b.seq - a.seq);
      const page = matching.slice(0, limit);
      return {
        notifications: page.flatMap((n) => {
          const post = state.record(n.uri);
          const author = post && state.accounts.get(post.did);
          if (!post || !author) return [];
          return [
            {
              uri: n.uri,
              cid: post.cid,
              author: profile(author),
              reason: n.reason,
              ...(n.reasonSubject ? { reasonSubject: n.reasonSubject } : {}),
              record: post.value,
              isRead: false,
              indexedAt: n.indexedAt,
            },
          ];
        }),
        ...(matching.length > limit ? { cursor: String(page[page.length - 1]?.seq) } : {}),
      };
    },
    'app.bsky.feed.getPosts': ({ params }) => ({
      posts: list(params.uris).flatMap((uri) => {
        const post = state.record(uri);
        const author = post && state.accounts.get(post.did);
        if (!post || !author || post.collection !== POST) return [];
        const replies = [...state.records.values()].filter(
          (r) => (r.value.reply as { parent?: { uri?: string } } | undefined)?.parent?.uri === uri,
        ).length;
        return [
          {
            uri,
            cid: post.cid,
            author: profile(author),
            record: post.value,
            replyCount: replies,
            repostCount: 0,
            likeCount: 0,
            quoteCount: 0,
            indexedAt: post.indexedAt,
          },
        ];
      }),
    }),
    'com.atproto.repo.createRecord': ({ body, did }) => {
      const repo = own(body.repo, did);
      const value = checkedRecord(body.collection, body.record);
      const rkey = typeof body.rkey === 'string' ? body.rkey : state.nextTid().rkey;
      if (state.record(`at://${repo.did}/${String(body.collection)}/${rkey}`))
        throw new XrpcError(400, 'InvalidRequest', 'Record already exists');
      return written(state.write(repo.did, String(body.collection), rkey, value));
    },
    // As the PDS does: an unchanged record is a no-op; `swapRecord` (a CID, or null for "only if the key is free")
    // must match what the key holds, or the write is refused with InvalidSwap.
    'com.atproto.repo.putRecord': ({ body, did }) => {
      const repo = own(body.repo, did);
      const value = checkedRecord(body.collection, body.record);
      if (typeof body.rkey !== 'string' || !/^[A-Za-z0-9._:~-]{1,512}$/.test(body.rkey))
        throw new XrpcError(400, 'InvalidRequest', 'Invalid record key');
      // app.bsky.feed.post declares `"key": "tid"`.
      if (body.collection === POST && !TID.test(body.rkey))
        throw new XrpcError(400, 'InvalidRequest', 'A post record key must be a TID');
      const current = state.record(`at://${repo.did}/${String(body.collection)}/${body.rkey}`);
      if (current && current.cid === cidFor(value)) return written(current);
      const swap = body.swapRecord;
      if (swap !== undefined && (current?.cid ?? null) !== swap)
        throw new XrpcError(400, 'InvalidSwap', `Record was at ${current?.cid ?? 'null'}`);
      return written(state.write(repo.did, String(body.collection), body.rkey, value));
    },
  };

  async function handle(request: FastifyRequest<{ Params: { nsid: string } }>, reply: FastifyReply) {
    const { nsid } = request.params;
    const params = request.query as Params;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    try {
      if (nsid === 'com.atproto.server.refreshSession') {
        const rotated = token ? sessions.rotate(token) : null;
        if (!rotated) throw new XrpcError(400, 'ExpiredToken', 'Token has been revoked');
        return session(rotated.did, rotated);
      }
      const publicMethod = publicMethods[nsid];
      const checked = token ? sessions.check(token) : null;
      if (checked === 'expired') throw new XrpcError(400, 'ExpiredToken', 'Token has expired');
      if (publicMethod) return publicMethod({ params, body, did: checked?.did ?? null });
      const method = sessionMethods[nsid];
      if (!method) throw new XrpcError(501, 'MethodNotImplemented', `${nsid} is not implemented by the fake`);
      if (!checked) throw new XrpcError(401, 'AuthenticationRequired', 'Authentication Required');
      return method({ params, body, did: checked.did });
    } catch (error) {
      if (error instanceof RateLimited) {
        reply.headers(rateLimitHeaders(CREATE_SESSION_LIMIT, 0, error.resetAt));
        return reply.code(429).send({ error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' });
      }
      if (error instanceof XrpcError)
        return reply.code(error.status).send({ error: error.error, message: error.message });
      throw error;
    }
  }

  app.get('/xrpc/:nsid', handle);
  app.post('/xrpc/:nsid', handle);
}

export const FAKE_APP_PASSWORD = 'fake-app-pass-word';

export class RateLimited extends Error {
  constructor(readonly resetAt: number) {
    super('Rate Limit Exceeded');
  }
}

export function rateLimitHeaders(policy: { limit: number; windowSec: number }, remaining: number, resetAt: number) {
  return {
    'ratelimit-limit': String(policy.limit),
    'ratelimit-remaining': String(remaining),
    'ratelimit-reset': String(resetAt),
    'ratelimit-policy': `${policy.limit};w=${policy.windowSec}`,
  };
}
