// kill -9 of the real server after the PDS stored the reply but before its answer arrived: after the restart the
// outbox finds the record under the key derived from the reply id and posts nothing twice.
import Database from 'better-sqlite3';
import t from 'tap';
import { startFakeBluesky } from '../dev/fake-bluesky/index.js';
import { startFakeX } from '../dev/fake-x/index.js';
import { recordKeyFor } from '../server/channels/bluesky/record-key.js';
import { tempDatabasePath } from './helpers/app.js';
import {
  type ChildServer,
  eventually,
  httpAs,
  network,
  questionFor,
  startChildServer,
} from './helpers/child-server.js';

t.test('SIGKILL after Bluesky stored the reply: the restart reconciles, one post', async (t) => {
  const fakeX = await startFakeX();
  const bluesky = await startFakeBluesky();
  const databasePath = tempDatabasePath(t);
  const servers: ChildServer[] = [];
  t.teardown(async () => {
    await Promise.all(servers.map((server) => server.kill('SIGKILL')));
    await bluesky.close();
    await fakeX.close();
  });
  const start = async () => {
    const server = await startChildServer({
      databasePath,
      fakeX,
      env: {
        BLUESKY_SERVICE_URL: bluesky.url,
        BLUESKY_IDENTIFIER: bluesky.credentials.identifier,
        BLUESKY_APP_PASSWORD: bluesky.credentials.password,
        BLUESKY_POLL_INTERVAL_S: '1',
      },
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
  const mention = bluesky.addMention({
    author: { handle: 'ana.bsky.social' },
    text: 'my tv shows no picture over hdmi',
  });
  const question = await questionFor(server, manager, mention.uri);
  await httpAs(server.url, manager).post(`/api/questions/${question.id}/assign`, { expertId: jane.user.id });
  const reply = await httpAs(server.url, jane).post(`/api/questions/${question.id}/replies`, {
    text: 'Try another HDMI cable.',
  });
  t.equal(reply.status, 201);
  bluesky.injectFault({ nsid: 'com.atproto.repo.putRecord', hang: 'after' });
  t.equal((await httpAs(server.url, manager).post(`/api/replies/${reply.body.reply.id}/approve`, {})).status, 200);

  await eventually(() => bluesky.brandPosts().length === 1, 'Bluesky to store the reply');
  await server.kill('SIGKILL');
  t.same(outbox(), [{ state: 'sending', attempts: 1 }], 'the crash left the item sending');

  server = await start();
  const answered = await eventually(async () => {
    const detail = (await httpAs(server.url, manager).get(`/api/questions/${question.id}`)).body.question;
    return detail.status === 'answered' ? detail : undefined;
  }, 'the question to be answered after the restart');
  const posts = bluesky.brandPosts();
  t.equal(posts.length, 1, 'exactly one post on Bluesky');
  t.equal(posts[0]?.value.text, 'Try another HDMI cable. ^JD');
  t.equal(posts[0]?.rkey, recordKeyFor(reply.body.reply.id), 'under the key derived from the reply id');
  t.equal(answered.replies[0].externalId, posts[0]?.uri, 'the post found is recorded');
  t.equal(bluesky.requests.filter((r) => r.nsid === 'com.atproto.repo.putRecord').length, 1, 'posted once');
  t.ok(
    bluesky.requests.some((r) => r.nsid === 'com.atproto.repo.getRecord'),
    'the record key was looked up',
  );
  t.same(outbox(), [{ state: 'sent', attempts: 2 }]);
});
