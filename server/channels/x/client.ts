import http from 'node:http';
import { TwitterApi, type IClientSettings, type ITwitterApiClientPlugin } from 'twitter-api-v2';

export interface XCredentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
}

export interface XClientOptions {
  /** Socket inactivity limit per request; the call then rejects with ApiRequestError ('Request timeout.'). */
  timeoutMs?: number;
}

const X_HOSTS = /^https:\/\/(api|upload|stream)\.(x|twitter)\.com/;

/**
 * twitter-api-v2 has no base-URL setting and hard-codes https://api.x.com/2/. The plugin hook
 * runs before the URL is signed and receives the very params object used for the request, so
 * rewriting `params.url` there redirects every call (v1, v2, paginators, streams).
 * Node's https.request only accepts an http: URL when the agent speaks http:, hence the agent.
 * The same hook is the one place a default timeout can be set: the library reads `params.timeout`
 * after the hooks ran, and its helpers (v2.reply, paginators…) offer no per-call timeout.
 */
export function xClientSettings(baseUrl?: string, options: XClientOptions = {}): Partial<IClientSettings> {
  const base = baseUrl?.replace(/\/+$/, '');
  if (!base && !options.timeoutMs) return {};

  const configure: ITwitterApiClientPlugin['onBeforeRequestConfig'] = ({ params }) => {
    if (base) params.url = params.url.replace(X_HOSTS, base);
    if (options.timeoutMs && params.timeout === undefined) params.timeout = options.timeoutMs;
  };
  const plugin: ITwitterApiClientPlugin = {
    onBeforeRequestConfig: configure,
    onBeforeStreamRequestConfig: ({ params }) => {
      if (base) params.url = params.url.replace(X_HOSTS, base);
    },
  };

  const settings: Partial<IClientSettings> = { plugins: [plugin] };
  if (base && new URL(base).protocol === 'http:') settings.httpAgent = new http.Agent({ keepAlive: true });
  return settings;
}

/** OAuth 1.0a user context: the brand account. Without baseUrl it talks to the real X API. */
export function createXClient(credentials: XCredentials, baseUrl?: string, options: XClientOptions = {}): TwitterApi {
  const { appKey, appSecret, accessToken, accessSecret } = credentials;
  return new TwitterApi({ appKey, appSecret, accessToken, accessSecret }, xClientSettings(baseUrl, options));
}
