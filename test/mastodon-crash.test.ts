// kill -9 of the real server after Mastodon stored the reply but before its answer arrived: after the restart the
// outbox finds the status on the brand's own timeline and posts nothing twice.
import Database from 'better-sqlite3';
import t from 'tap';
import { startFakeMastodon } from '../dev/fake-mastodon/index.js';
import { startFakeX } from '../dev/fake-x/index.js';
import { tempDatabasePath } from './helpers/app.js';
import {
  type ChildServer,
  eventually,
  httpAs,
  network,
  questionFor,
  startChildServer,
} from './helpers/child-server.js';

t.test('SIGKILL after Mastodon stored the reply: the restart reconciles, one post', async (t) => {
  const fakeX = await startFakeX();
  const mastodon = await startFakeMastodon();
  const databasePath = tempDatabasePath(t);
  const servers: ChildServer[] = [];
  t.teardown(async () => {
    await Promise.all(servers.map((server) => server.kill('SIGKILL')));
    await mastodon.close();
    await fakeX.close();
  });
  const start = async () => {
    const server = await startChildServer({
      databasePath,
      fakeX,
      env: { MASTODON_URL: mastodon.url, MASTODON_ACCESS_TOKEN: mastodon.accessToken, MASTODON_POLL_INTERVAL_S: '1' },
    });
    servers.push(server);
    return server;
  };
  const outbox = () => {
    const db = new Database(databasePath, { readonly: true });
    try {
      return db.prepare('select state, attempts from outbox').all();
    } finally {
      db.close();
    }
  };

  let server = await start();
  const {
    manager,
    experts: [jane],
  } = await network(server, [{ name: 'Jane Doe', signature: 'JD', skills: [{ tag: 'tv', level: 4 }] }]);
  if (!jane) throw new Error('no expert');
  const status = mastodon.addMention({
    text: 'my tv shows no picture over hdmi',
    account: { username: 'ana', domain: 'remote.example' },
    visibility: 'unlisted',
  });
  const question = await questionFor(server, manager, status.id);
  await httpAs(server.url, manager).post(`/api/questions/${question.id}/assign`, { expertId: jane.user.id });
  const reply = await httpAs(server.url, jane).post(`/api/questions/${question.id}/replies`, {
    text: 'Try another HDMI cable.',
  });
  t.equal(reply.status, 201);
  mastodon.injectFault({ method: 'POST', path: '/api/v1/statuses', hang: 'after', times: 1 });
  t.equal((await httpAs(server.url, manager).post(`/api/replies/${reply.body.reply.id}/approve`, {})).status, 200);

  await eventually(() => mastodon.brandReplies(status.id).length === 1, 'Mastodon to store the reply');
  await server.kill('SIGKILL');
  t.same(outbox(), [{ state: 'sending', attempts: 1 }], 'the crash left the item sending');

  server = await start();
  const answered = await eventually(async () => {
    const detail = (await httpAs(server.url, manager).get(`/api/questions/${question.id}`)).body.question;
    return detail.status === 'answered' ? detail : undefined;
  }, 'the question to be answered after the restart');
  const posts = mastodon.brandReplies(status.id);
  t.equal(posts.length, 1, 'exactly one reply on Mastodon');
  t.equal(posts[0]?.text, '@ana@remote.example Try another HDMI cable. ^JD');
  t.equal(answered.replies[0].externalId, posts[0]?.id, 'the status found is recorded');
  t.equal(mastodon.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses').length, 1);
  t.ok(
    mastodon.requests.some((r) => r.path === `/api/v1/accounts/${mastodon.brand.id}/statuses`),
    "the brand's statuses were read",
  );
  t.same(outbox(), [{ state: 'sent', attempts: 2 }]);
});
