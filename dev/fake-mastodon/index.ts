// A fake Mastodon server: a real HTTP server speaking Mastodon's REST wire format for what Helpforce uses, so the
// masto client runs against it unchanged. Customers' mentions are added in process (or with POST /_fake/mentions
// from the demo), an earlier run's statuses put back (restoreStatus), faults injected per request, and the brand's
// replies read back for the tests.
import Fastify from 'fastify';
import { registerGate, sendError } from './gate.js';
import { registerRoutes } from './routes.js';
import { FakeMastodonState } from './state.js';
import type { FakeMastodon, FakeMastodonOptions, FaultRule, LoggedRequest, NewMention } from './types.js';

export type {
  FakeMastodon,
  FakeMastodonOptions,
  FakeStatus,
  FaultRule,
  KnownStatus,
  NewMention,
  Visibility,
} from './types.js';
export { countedLength, paginate } from './routes.js';

const DEFAULT_TOKEN = 'fake-mastodon-token';

export async function startFakeMastodon(options: FakeMastodonOptions = {}): Promise<FakeMastodon> {
  const clock = options.clock ?? Date.now;
  const domain = (options.domain ?? 'fake-mastodon.test').toLowerCase();
  const state = new FakeMastodonState(
    domain,
    { username: options.brand?.username ?? 'AcmeHelp', displayName: options.brand?.displayName ?? 'Acme Support' },
    options.maxCharacters ?? 500,
    clock,
  );
  const accessToken = options.accessToken ?? DEFAULT_TOKEN;
  const faults: FaultRule[] = [];
  const requests: LoggedRequest[] = [];

  // forceCloseConnections: close() must not wait for keep-alive sockets of clients.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    return sendError(reply, status, status < 500 ? error.message : 'Internal server error');
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, 'Record not found'));
  registerGate(app, {
    accessToken,
    rateLimit: options.rateLimit ?? { limit: 300, windowSec: 300 },
    clock,
    faults,
    log: requests,
  });
  registerRoutes(app, state);

  const addStatus = (input: NewMention, mentionBrand: boolean) => {
    const author = state.account(input.account);
    const mentions = state.resolveMentions(input.text).some((a) => a.id === state.brand.id);
    const brandHandle = author.domain ? `@${state.brand.username}@${domain}` : `@${state.brand.username}`;
    const text = mentionBrand && !mentions ? `${brandHandle} ${input.text}` : input.text;
    return state.addStatus({
      author,
      text,
      visibility: input.visibility ?? 'public',
      inReplyToId: input.inReplyToId,
      html: input.html,
      language: input.language,
    });
  };

  app.post<{ Body: NewMention }>('/_fake/mentions', async (request) => {
    const created = addStatus(request.body, true);
    return { id: created.id };
  });

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host ?? '127.0.0.1';

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    accessToken,
    brand: state.brand,
    domain,
    addMention: (input) => addStatus(input, true),
    addStatus: (input) => addStatus(input, false),
    restoreStatus: (status) => state.restoreStatus(status),
    statuses: () => state.statuses(),
    brandReplies: (inReplyToId) =>
      state
        .statusesBy(state.brand.id)
        .filter((s) => s.inReplyToId !== null && (inReplyToId === undefined || s.inReplyToId === inReplyToId)),
    mentioned: (statusId) =>
      (state.status(statusId)?.mentionIds ?? []).flatMap((id) => state.accountById(id)?.acct ?? []),
    account: (id) => state.accountById(id),
    setMaxCharacters: (max) => {
      state.maxCharacters = max;
    },
    injectFault: (rule) => faults.push(rule),
    clearFaults: () => faults.splice(0, faults.length),
    requests,
    close: () => app.close(),
  };
}
