// The fake Mastodon speaks the wire format the masto client expects: paging by max_id/since_id/min_id with Link
// headers, Idempotency-Key on posting, the instance's character limit, who a status reaches, and injected faults.
import { createRestAPIClient, MastoHttpError, type mastodon } from 'masto';
import t, { type Test } from 'tap';
import { type FakeMastodon, startFakeMastodon } from '../dev/fake-mastodon/index.js';

async function fake(t: Test, options: Parameters<typeof startFakeMastodon>[0] = {}) {
  const server = await startFakeMastodon(options);
  t.teardown(() => server.close());
  const client = createRestAPIClient({ url: server.url, accessToken: server.accessToken, log: 'error' });
  return { server, client };
}

async function collect(pages: AsyncIterable<mastodon.v1.Notification[]>): Promise<string[]> {
  const seen: string[] = [];
  for await (const page of pages) {
    if (page.length === 0) break;
    seen.push(...page.map((n) => n.status?.id ?? ''));
  }
  return seen;
}

function mentions(server: FakeMastodon, n: number) {
  return Array.from({ length: n }, (_, i) =>
    server.addMention({ text: `question ${i}`, account: { username: `c${i}`, domain: 'remote.example' } }),
  );
}

t.test('the brand account and the instance limit, through masto', async (t) => {
  const { server, client } = await fake(t, { maxCharacters: 1000 });
  const me = await client.v1.accounts.verifyCredentials();
  t.equal(me.acct, 'AcmeHelp');
  t.equal(me.id, server.brand.id);
  const instance = await client.v2.instance.fetch();
  t.equal(instance.configuration.statuses.maxCharacters, 1000);
  const wrongToken = createRestAPIClient({ url: server.url, accessToken: 'nope', log: 'error' });
  const refused = await wrongToken.v1.accounts.verifyCredentials().catch((e: unknown) => e);
  t.ok(refused instanceof MastoHttpError && refused.statusCode === 401, 'a bad token is a 401');
});

t.test('min_id walks forward page by page with nothing skipped; since_id returns only the newest page', async (t) => {
  const { server, client } = await fake(t);
  const before = server.addMention({ text: 'old', account: { username: 'old' } });
  const first = await client.v1.notifications.list({ types: ['mention'] });
  const cursor = first[0]?.id ?? '';
  t.ok(BigInt(cursor) > BigInt(Number.MAX_SAFE_INTEGER), 'ids exceed Number and stay exact as strings');
  const burst = mentions(server, 95);

  const forward = await collect(
    client.v1.notifications.list({ types: ['mention'], minId: cursor, limit: 40 }).setDirection('prev'),
  );
  const sorted = [...forward].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  t.same(
    sorted,
    burst.map((s) => s.id),
    'every status of the burst, once',
  );
  t.notOk(forward.includes(before.id), 'nothing at or below the cursor');

  const newest = await client.v1.notifications.list({ types: ['mention'], sinceId: cursor, limit: 40 });
  t.equal(newest.length, 40);
  t.equal(newest[0]?.status?.id, burst.at(-1)?.id, 'since_id gives the newest 40: the middle of the burst is skipped');

  const older = await collect(client.v1.notifications.list({ types: ['mention'], limit: 30 }));
  t.equal(older.length, 96, 'max_id (the next links) walks back to the first');
  const none = await client.v1.notifications.list({ types: ['follow'] });
  t.same(none, [], 'types[] filters');
});

t.test('a status: HTML as Mastodon renders it, acct of a remote author, who it reaches', async (t) => {
  const { server, client } = await fake(t);
  const local = server.account(server.addMention({ text: 'hi', account: { username: 'lena' } }).accountId);
  const remote = server.addMention({
    text: 'my tv <b>broke</b> & see https://example.com/a/very/long/path/to/the/manual\nthanks',
    account: { username: 'ana', domain: 'remote.example', displayName: 'Ana' },
  });
  const status = await client.v1.statuses.$select(remote.id).fetch();
  t.equal(status.account.acct, 'ana@remote.example');
  t.match(status.content, /^<p><span class="h-card"/);
  t.match(status.content, '&lt;b&gt;broke&lt;/b&gt; &amp; see <a href="https://example.com/a/very/long/path');
  t.match(status.content, '<br />thanks</p>');
  t.same(server.mentioned(remote.id), ['AcmeHelp'], 'the brand, addressed by its full handle from another server');

  const bare = server.addStatus({ text: '@ana and @lena hello', account: { username: 'AcmeHelp' } });
  t.same(server.mentioned(bare.id), [local?.acct], 'a bare @ana is not the remote ana');
  const full = server.addStatus({ text: '@ana@remote.example hello', account: { username: 'AcmeHelp' } });
  t.same(server.mentioned(full.id), ['ana@remote.example']);

  const direct = server.addMention({ text: 'private', visibility: 'direct', account: { username: 'dee' } });
  const listed = async (includeFiltered?: boolean) =>
    (await client.v1.notifications.list({ includeFiltered } as Parameters<typeof client.v1.notifications.list>[0])).map(
      (n) => n.status?.id,
    );
  t.notOk((await listed()).includes(direct.id), "a stranger's direct mention is filtered by the notification policy");
  t.ok((await listed(true)).includes(direct.id), 'and listed with include_filtered=true');
  const hidden = server.addStatus({ text: 'just us', visibility: 'direct', account: { username: 'lena' } });
  const gone = await client.v1.statuses
    .$select(hidden.id)
    .fetch()
    .catch((e: unknown) => e);
  t.ok(gone instanceof MastoHttpError && gone.statusCode === 404, "a direct status not for the brand is 'not found'");
});

t.test('posting: Idempotency-Key returns the first status; the instance limit counts as Mastodon does', async (t) => {
  const { server, client } = await fake(t, { maxCharacters: 30 });
  const question = server.addMention({ text: 'help', account: { username: 'ana', domain: 'remote.example' } });
  const key = { requestInit: { headers: { 'Idempotency-Key': 'reply-1' } } };
  const params = { status: '@ana@remote.example fixed', inReplyToId: question.id, visibility: 'unlisted' } as const;
  const first = await client.v1.statuses.create(params, key);
  const again = await client.v1.statuses.create(params, key);
  t.equal(again.id, first.id, 'the same key returns the same status');
  t.equal(server.brandReplies(question.id).length, 1);
  t.equal(first.inReplyToId, question.id);
  t.equal(first.visibility, 'unlisted');

  // 30 counted: the remote mention counts as "@ana" (4), a URL as 23.
  const fits = `@ana@remote.example ${'x'.repeat(25)}`;
  t.ok(await client.v1.statuses.create({ status: fits, inReplyToId: question.id }));
  const over = await client.v1.statuses.create({ status: `${fits}y` }).catch((e: unknown) => e);
  t.ok(over instanceof MastoHttpError && over.statusCode === 422, 'one more is refused');
  t.match((over as Error).message, 'Text character limit of 30 exceeded');
  t.ok(await client.v1.statuses.create({ status: 'see https://example.com/a/very/long/path/x' }), 'a URL is 23');
  t.ok(await client.v1.statuses.create({ status: '👩‍👩‍👧‍👦'.repeat(30) }), 'graphemes, not code points');
  const missing = await client.v1.statuses.create({ status: 'hi', inReplyToId: '1' }).catch((e: unknown) => e);
  t.ok(missing instanceof MastoHttpError && missing.statusCode === 404);
});

t.test('faults: 429 with X-RateLimit-*, 500, a dropped connection, an answer lost after the post', async (t) => {
  const { server, client } = await fake(t);
  const question = server.addMention({ text: 'help', account: { username: 'ana' } });
  server.injectFault({ path: '/api/v1/notifications', status: 429, resetInSec: 120, times: 1 });
  const limited = await Promise.resolve(client.v1.notifications.list()).catch((e: unknown) => e);
  t.ok(limited instanceof MastoHttpError && limited.statusCode === 429);
  const headers = ((limited as Error).cause as Response).headers;
  t.equal(headers.get('x-ratelimit-remaining'), '0');
  t.ok(Date.parse(headers.get('x-ratelimit-reset') ?? '') > Date.now() + 100_000, 'the reset is an ISO time');

  server.injectFault({ method: 'GET', path: /^\/api\/v1\/statuses\//, status: 500, times: 1 });
  const failed = await client.v1.statuses
    .$select(question.id)
    .fetch()
    .catch((e: unknown) => e);
  t.ok(failed instanceof MastoHttpError && failed.statusCode === 500);
  t.equal((await client.v1.statuses.$select(question.id).fetch()).id, question.id, 'the fault is used up');

  server.injectFault({ path: '/api/v1/accounts/verify_credentials', drop: 'before', times: 1 });
  t.rejects(client.v1.accounts.verifyCredentials(), 'a dropped connection rejects');

  server.injectFault({ method: 'POST', path: '/api/v1/statuses', drop: 'after', times: 1 });
  const lost = await client.v1.statuses.create({ status: 'done', inReplyToId: question.id }).catch((e: unknown) => e);
  t.ok(lost instanceof Error && !(lost instanceof MastoHttpError), 'the client hears nothing');
  t.equal(server.brandReplies(question.id).length, 1, 'but the status was made');

  const ok = await client.v1.accounts.verifyCredentials.$raw();
  t.match(ok.headers.get('x-ratelimit-limit'), /^\d+$/, 'every answer carries the rate limit');
  t.ok(server.requests.some((r) => r.path === '/api/v1/statuses' && r.method === 'POST'));
});
