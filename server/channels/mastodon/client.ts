import { createRestAPIClient, type mastodon } from 'masto';

export interface MastodonCredentials {
  /** The brand's server, e.g. https://mastodon.social (or the fake's address in tests and the demo). */
  url: string;
  accessToken: string;
}

/** masto's REST client for the brand account; a request that hangs is given up after `timeoutMs`. */
export function createMastodonClient(
  { url, accessToken }: MastodonCredentials,
  timeoutMs = 15_000,
): mastodon.rest.Client {
  return createRestAPIClient({ url, accessToken, timeout: timeoutMs, log: 'error' });
}
