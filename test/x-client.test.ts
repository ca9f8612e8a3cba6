import t from 'tap';
import http from 'node:http';
import type { IGetHttpRequestArgs, ITwitterApiClientPlugin } from 'twitter-api-v2';
import { createXClient, xClientSettings } from '../server/channels/x/client.js';

function configure(
  plugin: ITwitterApiClientPlugin,
  url: string,
  hook: 'onBeforeRequestConfig' | 'onBeforeStreamRequestConfig' = 'onBeforeRequestConfig',
) {
  const params = { url, method: 'GET' } as IGetHttpRequestArgs;
  // The hook is synchronous; twitter-api-v2's type lets a hook return a promise.
  void plugin[hook]!({ params, url: new URL(url), client: undefined as never });
  return params;
}

t.test('without a base URL or timeout the client talks to X untouched', async (t) => {
  t.same(xClientSettings(), {});
  const client = createXClient({ appKey: 'k', appSecret: 's', accessToken: 't', accessSecret: 'a' });
  t.same(client.getActiveTokens(), {
    type: 'oauth-1.0a',
    appKey: 'k',
    appSecret: 's',
    accessToken: 't',
    accessSecret: 'a',
  });
});

t.test('a base URL rewrites every X host, REST and stream, and brings an http agent', async (t) => {
  const settings = xClientSettings('http://127.0.0.1:4010/');
  t.ok(settings.httpAgent instanceof http.Agent);
  const [plugin] = settings.plugins!;
  t.equal(configure(plugin!, 'https://api.x.com/2/users/me?x=1').url, 'http://127.0.0.1:4010/2/users/me?x=1');
  t.equal(configure(plugin!, 'https://api.twitter.com/2/tweets').url, 'http://127.0.0.1:4010/2/tweets');
  t.equal(
    configure(plugin!, 'https://upload.x.com/1.1/media/upload.json').url,
    'http://127.0.0.1:4010/1.1/media/upload.json',
  );
  t.equal(
    configure(plugin!, 'https://stream.twitter.com/x', 'onBeforeStreamRequestConfig').url,
    'http://127.0.0.1:4010/x',
  );
  t.equal(configure(plugin!, 'https://example.com/2/x').url, 'https://example.com/2/x', 'other hosts are left alone');
});

t.test('an https base URL keeps the default agent', async (t) => {
  t.equal(xClientSettings('https://x-proxy.internal').httpAgent, undefined);
});

t.test('timeoutMs becomes the default request timeout without overriding an explicit one', async (t) => {
  const [plugin] = xClientSettings(undefined, { timeoutMs: 1_500 }).plugins!;
  const params = configure(plugin!, 'https://api.x.com/2/users/me');
  t.equal(params.timeout, 1_500);
  t.equal(params.url, 'https://api.x.com/2/users/me');
  const explicit = { url: 'https://api.x.com/2/tweets', method: 'POST', timeout: 99 } as IGetHttpRequestArgs;
  void plugin!.onBeforeRequestConfig!({ params: explicit, url: new URL(explicit.url), client: undefined as never });
  t.equal(explicit.timeout, 99);
});
