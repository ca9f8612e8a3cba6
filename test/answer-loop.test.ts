// The whole loop through real components: a mention on the fake X (over loopback, via twitter-api-v2) becomes a
// tagged question, is offered live over /ws, exactly one of two concurrent claims wins, the reply is reviewed,
// approved, posted once as a threaded and signed brand reply, and the metrics count it.
import t from 'tap';
import { MetricsSchema } from '../server/contracts/api.js';
import { as, buildXTestApp, createUser, login, ADMIN } from './helpers/app.js';
import { connectWs } from './helpers/ws.js';

t.test('a mention becomes one signed, threaded brand reply', async (t) => {
  const { fakeX, app, base } = await buildXTestApp(t);

  const profile = (signature: string) => ({
    signature,
    skills: [{ tag: 'tv', level: 4 }],
    capacity: 2,
    availability: 'available' as const,
  });
  const jane = await createUser(app, 'expert', { name: 'Jane Doe', profile: profile('JD') });
  const omar = await createUser(app, 'expert', { name: 'Omar Ali', profile: profile('OA') });
  const manager = await createUser(app, 'manager', { name: 'Mia Manager' });
  const janeLive = await connectWs(base, { cookie: jane.cookie });
  const omarLive = await connectWs(base, { cookie: omar.cookie });
  const managerLive = await connectWs(base, { cookie: manager.cookie });
  t.teardown(() => {
    janeLive.close();
    omarLive.close();
    managerLive.close();
  });
  await new Promise((r) => setTimeout(r, 50));

  const tweet = fakeX.addMention({
    text: 'my new TV will not pass sound to the soundbar over HDMI ARC, help?',
    author: { username: 'casey_c', name: 'Casey' },
  });
  const poll = await app.xChannel.poller.pollOnce();
  t.equal(poll.ingested, 1, 'the poller ingests the mention');

  const offeredToJane = await janeLive.next('question.offered');
  const offeredToOmar = await omarLive.next('question.offered');
  const questionId = offeredToJane.data.question.id;
  t.equal(offeredToOmar.data.question.id, questionId, 'both skilled experts get the live offer');
  t.equal(offeredToJane.data.question.externalId, tweet.id);
  t.same(
    offeredToJane.data.question.tags.map((tag) => tag.slug),
    ['tv'],
    'the question is tagged from the tag keywords',
  );
  t.ok(
    offeredToJane.data.offer.reasons && Object.keys(offeredToJane.data.offer.reasons).length > 0,
    'the offer carries its reasons',
  );

  const [a, b] = await Promise.all([
    as(app, jane).post(`/api/questions/${questionId}/claim`),
    as(app, omar).post(`/api/questions/${questionId}/claim`),
  ]);
  t.same([a.statusCode, b.statusCode].sort(), [200, 409], 'exactly one concurrent claim wins');
  const winner = a.statusCode === 200 ? jane : omar;
  const loser = a.statusCode === 200 ? omar : jane;
  const lost = a.statusCode === 200 ? b : a;
  t.equal(lost.json().error.code, 'already_claimed');
  t.match(lost.json().error.message, winner.user.name, 'the loser is told who took it');

  const submitted = await as(app, winner).post(`/api/questions/${questionId}/replies`, {
    text: 'Turn on HDMI-CEC on the TV and use the ARC port, then restart both.',
  });
  t.equal(submitted.statusCode, 201);
  const reply = submitted.json().reply;
  t.equal(reply.status, 'in_review', "a new expert's reply goes to review");
  t.equal(
    reply.preview,
    `Turn on HDMI-CEC on the TV and use the ARC port, then restart both. ^${winner === jane ? 'JD' : 'OA'}`,
  );
  await managerLive.next('reply.submitted', (e) => e.data.reply.id === reply.id);

  const loserCannotApprove = await as(app, loser).post(`/api/replies/${reply.id}/approve`, {});
  t.equal(loserCannotApprove.statusCode, 403, 'experts cannot approve');
  const approved = await as(app, manager).post(`/api/replies/${reply.id}/approve`, {});
  t.equal(approved.statusCode, 200);
  await app.services.outbox.run();
  await app.services.outbox.run();

  const posts = fakeX.brandReplies(tweet.id);
  t.equal(posts.length, 1, 'exactly one brand post on X');
  t.equal(posts[0]!.text, reply.preview, 'the post is the exact preview with attribution');
  t.equal(posts[0]!.inReplyToTweetId, tweet.id, "threaded under the customer's post");

  const posted = await (winner === jane ? janeLive : omarLive).next('reply.posted');
  t.equal(posted.data.reply.externalId, posts[0]!.id);
  const detail = (await as(app, manager).get(`/api/questions/${questionId}`)).json().question;
  t.equal(detail.status, 'answered');
  t.equal(detail.replies[0].externalId, posts[0]!.id);
  t.ok(
    detail.events.some((e: { type: string }) => e.type === 'reply.posted'),
    'the audit log records the post',
  );

  const metrics = (await as(app, manager).get('/api/metrics')).json();
  t.ok(MetricsSchema.safeParse(metrics).success, 'the metrics answer has the documented shape');
  t.equal(metrics.answered, 1);
  t.equal(metrics.total, 1);
  t.equal(metrics.answerRate, 1);
  t.equal(metrics.timeToFirstReplyMs.count, 1);
  t.same([metrics.expertsTotal, metrics.byExpert.length], [1, 1], 'the expert who answered');
  const day = detail.receivedAt.slice(0, 10);
  const thatDay = await as(app, manager).get(`/api/metrics?from=${day}&to=${day}`);
  t.equal(thatDay.statusCode, 200, 'bare dates are accepted');
  t.equal(thatDay.json().total, 1, 'and span the whole day the question came in');
  for (const bad of ['0', '-1', '2.5', 'many', '100001']) {
    const response = await as(app, manager).get(`/api/metrics?experts=${bad}`);
    t.equal(response.statusCode, 400, `experts=${bad} is refused`);
    t.equal(response.json().error.code, 'invalid_request');
  }

  const again = await app.xChannel.poller.pollOnce();
  t.equal(again.ingested, 0, 'a second poll finds nothing new (cursor stored)');
  const admin = await login(app, ADMIN.email, ADMIN.password);
  t.equal((await as(app, admin).get('/api/questions')).json().items.length, 1, 'no duplicate question');
});
