// Conversations: a customer's reply under the brand's answer joins the same question, goes back to the same expert
// first, and is answered in the same thread; a plain "thanks" is recorded without reopening anything.
import t from 'tap';
import { isThanks } from '../server/domain/reactions.js';
import { as, buildXTestApp, createUser } from './helpers/app.js';
import { connectWs } from './helpers/ws.js';

t.test('isThanks tells a thank-you from a follow-up question', async (t) => {
  const table: [string, boolean][] = [
    ['@AcmeHelp thanks, that fixed it!', true],
    ['thank you so much 🙏', true],
    ['ty!', true],
    ['👍', true],
    ['thanks but it still does not work', false],
    ['thanks, how do I reset it?', false],
    ['still no sound', false],
    ['that worked, cheers', true],
    ['why is it doing that', false],
  ];
  for (const [text, expected] of table) t.equal(isThanks(text), expected, text);
});

t.test('a follow-up under a brand reply reopens the question for the same expert, in the same thread', async (t) => {
  const { fakeX, app, base } = await buildXTestApp(t);
  const jane = await createUser(app, 'expert', {
    name: 'Jane',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }] },
  });
  const other = await createUser(app, 'expert', {
    name: 'Other',
    profile: { signature: 'OT', skills: [{ tag: 'tv', level: 5 }] },
  });
  const manager = await createUser(app, 'manager');
  const janeLive = await connectWs(base, { cookie: jane.cookie });
  const otherLive = await connectWs(base, { cookie: other.cookie });
  t.teardown(() => {
    janeLive.close();
    otherLive.close();
  });
  for (let i = 0; i < 50 && app.services.hub.stats().users < 2; i++) await new Promise((r) => setTimeout(r, 20));

  const answer = async (questionId: string, text: string) => {
    const reply = (await as(app, jane).post(`/api/questions/${questionId}/replies`, { text })).json().reply;
    t.equal((await as(app, manager).post(`/api/replies/${reply.id}/approve`, {})).statusCode, 200);
    await app.services.outbox.run();
  };

  const first = fakeX.addMention({ text: 'my tv has no sound over hdmi', author: { username: 'casey' } });
  await app.xChannel.poller.pollOnce();
  const offered = await janeLive.next('question.offered');
  const questionId = offered.data.question.id;
  t.equal((await as(app, jane).post(`/api/questions/${questionId}/claim`)).statusCode, 200);
  await answer(questionId, 'Turn on HDMI-CEC and use the ARC port.');
  const brandReply = fakeX.brandReplies(first.id)[0]!;
  t.ok(brandReply, 'the first answer is public');

  const followUp = fakeX.addMention({
    text: 'did that, still no sound. what next?',
    author: { username: 'casey' },
    inReplyToTweetId: brandReply.id,
  });
  await app.xChannel.poller.pollOnce();
  const questions = (await as(app, manager).get('/api/questions')).json().items;
  t.equal(questions.length, 1, 'the follow-up did not become a new question');
  const reopened = await janeLive.next(
    'question.offered',
    (e) => e.data.question.id === questionId && e.data.offer.wave === 2,
  );
  t.same(Object.keys(reopened.data.offer.reasons), ['previous-expert'], 'offered back to the same expert first');
  t.notOk(
    otherLive.events.some(
      (e) => e.type === 'question.offered' && (e.data as { offer: { wave: number } }).offer.wave === 2,
    ),
    'not to anyone else in that wave',
  );

  t.equal((await as(app, jane).post(`/api/questions/${questionId}/claim`)).statusCode, 200);
  await answer(questionId, 'Next, set the TV audio output to "Receiver" in the sound menu.');
  const second = fakeX.brandReplies(followUp.id);
  t.equal(second.length, 1, 'the second answer is threaded under the follow-up');
  t.equal(second[0]!.conversationId, first.conversationId, 'all in one conversation on X');

  const thread = (await as(app, jane).get(`/api/questions/${questionId}`)).json().question.thread as {
    direction: string;
    externalId: string;
  }[];
  t.same(
    thread.map((m) => [m.direction, m.externalId]),
    [
      ['in', first.id],
      ['out', brandReply.id],
      ['in', followUp.id],
      ['out', second[0]!.id],
    ],
    'the whole thread, customer and brand posts, in order',
  );

  fakeX.addMention({ text: 'that worked, thanks!', author: { username: 'casey' }, inReplyToTweetId: second[0]!.id });
  await app.xChannel.poller.pollOnce();
  const detail = (await as(app, manager).get(`/api/questions/${questionId}`)).json().question;
  t.equal(detail.status, 'answered', 'a thank-you does not reopen the question');
  t.ok(
    detail.events.some((e: { type: string }) => e.type === 'question.thanked'),
    'it is recorded as a positive reaction',
  );
  t.equal(detail.thread.length, 5);
});
