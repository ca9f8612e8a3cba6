// One logged-in AtpAgent for the brand. createSession is limited (30 per 5 minutes, 300 a day), so the agent logs in
// once and keeps its session: @atproto/api refreshes the access token itself when a call answers ExpiredToken, and
// drops the session only when the refresh token is refused too; the next call then logs in again.
import { AtpAgent } from '@atproto/api';

export interface BlueskyCredentials {
  serviceUrl: string;
  identifier: string;
  password: string;
}

export interface BrandAccount {
  did: string;
  handle: string;
}

/** fetch with a deadline: a PDS that never answers fails the call (status 1) instead of holding the poller. */
function fetchWithTimeout(timeoutMs: number): typeof globalThis.fetch {
  return (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    return globalThis.fetch(input, { ...init, signal });
  };
}

export function createBlueskySession(credentials: BlueskyCredentials, options: { timeoutMs?: number } = {}) {
  const agent = new AtpAgent({
    service: credentials.serviceUrl,
    ...(options.timeoutMs ? { fetch: fetchWithTimeout(options.timeoutMs) } : {}),
  });
  let loggingIn: Promise<BrandAccount> | null = null;

  /** The brand's account, logging in only when there is no session (first use, or after a refused refresh). */
  function account(): Promise<BrandAccount> {
    const session = agent.session;
    if (session) return Promise.resolve({ did: session.did, handle: session.handle });
    loggingIn ??= agent
      .login({ identifier: credentials.identifier, password: credentials.password })
      .then(({ data }) => ({ did: data.did, handle: data.handle }))
      .finally(() => {
        loggingIn = null;
      });
    return loggingIn;
  }

  return { agent, account };
}
export type BlueskySession = ReturnType<typeof createBlueskySession>;
