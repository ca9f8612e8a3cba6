// One logged-in AtpAgent for the brand. createSession is limited (30 per 5 minutes, 300 a day), so the agent logs in
// once and keeps its session: @atproto/api refreshes the access token itself when a call answers ExpiredToken, and
// drops the session only when the refresh token is refused too; the next call then logs in again. The session is
// also kept in a store (the database), so a restart resumes it with one refresh instead of a login: a server that
// restarts in a loop would otherwise spend the day's logins.
import { AtpAgent, type AtpSessionData } from '@atproto/api';

export interface BlueskyCredentials {
  serviceUrl: string;
  identifier: string;
  password: string;
}

export interface BrandAccount {
  did: string;
  handle: string;
}

export interface SessionStore {
  load(): Promise<AtpSessionData | undefined>;
  /** Keeps the session (or drops it: `undefined`) without making the agent wait. */
  save(session: AtpSessionData | undefined): void;
}

/** fetch with a deadline: a PDS that never answers fails the call (status 1) instead of holding the poller. */
function fetchWithTimeout(timeoutMs: number): typeof globalThis.fetch {
  return (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    return globalThis.fetch(input, { ...init, signal });
  };
}

export function createBlueskySession(
  credentials: BlueskyCredentials,
  options: { timeoutMs?: number; store?: SessionStore } = {},
) {
  const { store } = options;
  const agent = new AtpAgent({
    service: credentials.serviceUrl,
    ...(options.timeoutMs ? { fetch: fetchWithTimeout(options.timeoutMs) } : {}),
    persistSession: (event, session) => {
      if (event === 'create' || event === 'update') store?.save(session);
      else if (event !== 'network-error') store?.save(undefined);
    },
  });
  let connecting: Promise<BrandAccount> | null = null;
  let resumable = true;

  async function connect(): Promise<BrandAccount> {
    const saved = resumable ? await store?.load() : undefined;
    resumable = false;
    if (saved) {
      // resumeSession refreshes at once; a refused refresh leaves no session, and then we log in.
      await agent.resumeSession(saved).catch(() => undefined);
      const session = agent.session;
      if (session) return { did: session.did, handle: session.handle };
    }
    const { data } = await agent.login({ identifier: credentials.identifier, password: credentials.password });
    return { did: data.did, handle: data.handle };
  }

  /** The brand's account, connecting only when there is no session (first use, or after a refused refresh). */
  function account(): Promise<BrandAccount> {
    const session = agent.session;
    if (session) return Promise.resolve({ did: session.did, handle: session.handle });
    connecting ??= connect().finally(() => {
      connecting = null;
    });
    return connecting;
  }

  return { agent, account };
}
export type BlueskySession = ReturnType<typeof createBlueskySession>;
