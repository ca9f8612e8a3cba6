// A manager's open tab calls for attention: an escalation and an SLA breach each show a browser notification (once
// allowed, from a button) and count in the tab's title until the queue is looked at; sound is a remembered choice.
// And the admin sets the desk's chat webhook in Settings and sends a test to it.
import t from 'tap';
import type { Page } from 'playwright-core';
import { DESKTOP, launchBrowser, openPage, signIn, waitLive } from '../helpers/browser.js';
import { shownNotifications, startPushServer, until } from '../helpers/push-browser.js';
import { webhookReceiver } from '../helpers/push-service.js';

t.test('a manager hears about escalations and breaches', async (t) => {
  // Nobody can take the question: it escalates after 1 s and breaches its SLA after 6 s.
  const server = await startPushServer(t, { routing: { escalateMs: 1000, slaMs: 6000 } });
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const { context, page, errors } = await openPage(browser, server.url, DESKTOP);
  await signIn(page, server.admin.email, server.admin.password, '#/profile');
  await waitLive(page);

  await t.test('browser notifications are asked for from a button, and sound is remembered', async (t) => {
    const allow = page.getByRole('button', { name: 'Allow browser notifications' });
    await allow.waitFor();
    t.equal(await page.evaluate(() => Notification.permission), 'default', 'nothing was asked on load');
    await context.grantPermissions(['notifications'], { origin: server.url });
    await allow.click();
    await allow.waitFor({ state: 'hidden' });
    t.match(
      await page.locator('section', { hasText: 'Alerts while Helpforce is open' }).textContent(),
      /show as browser notifications/,
    );
    const sound = page.getByLabel('Play a sound with each alert');
    t.notOk(await sound.isChecked(), 'sound is off by default');
    await sound.check();
    await page.reload();
    await page.locator('nav.nav').waitFor();
    t.ok(await page.getByLabel('Play a sound with each alert').isChecked(), 'the choice survives a reload');
    await waitLive(page);
    await page.evaluate(() => navigator.serviceWorker.ready);
  });

  let questionId = '';
  await t.test('an escalation: a notification and "(1)" in the title', async (t) => {
    t.equal(await page.title(), 'Helpforce');
    server.fakeX.addMention({
      text: 'my laptop will not charge, the light stays off',
      author: { username: 'dark_dana' },
    });
    await until(
      () => page.title(),
      (title) => title === '(1) Helpforce',
      'the title',
    );
    const [note] = await until(
      () => shownNotifications(page),
      (list) => list.length === 1,
      'the notification',
    );
    t.match(note, { title: 'Question escalated: nobody took it' });
    t.match(note!.body, /^@dark_dana: .*my laptop will not charge/, 'naming who asked and what');
    questionId = note!.questionId ?? '';
    t.equal(note!.tag, `q${questionId}`, 'tagged as the server tags its pushes about the question');
  });

  await t.test('the SLA breach: the notification is replaced and the title counts two', async (t) => {
    await until(
      () => page.title(),
      (title) => title === '(2) Helpforce',
      'the title',
      25_000,
    );
    const list = await until(
      () => shownNotifications(page),
      (l) => l.length === 1 && l[0]!.title === 'SLA breached',
      'the notification',
    );
    t.match(list[0]!.body, '@dark_dana');
  });

  await t.test('looking at the queue clears the count', async (t) => {
    await page.evaluate(() => {
      location.hash = '#/queue';
    });
    await until(
      () => page.title(),
      (title) => title === 'Helpforce',
      'the title',
    );
    t.pass('the title is plain again');
  });

  await t.test('the admin sets the chat webhook and sends a test', async (t) => {
    const receiver = await webhookReceiver(t);
    await page.evaluate(() => {
      location.hash = '#/roster';
    });
    const form = page.locator('form.webhook');
    await form.getByLabel('Chat webhook URL').fill(receiver.url);
    await form.getByLabel('A reply fails to post').uncheck();
    await form.getByRole('button', { name: 'Save webhook' }).click();
    await page.getByText('Webhook saved.').waitFor();
    const settings = await page.evaluate(async () => (await (await fetch('/api/settings')).json()).alertWebhook);
    t.equal(settings.url, receiver.url, 'the URL is saved');
    t.notOk(settings.events.includes('post.failed'), 'without the event left unchecked');
    t.ok(settings.events.includes('question.escalated'), 'with the others');
    await form.getByRole('button', { name: 'Send test' }).click();
    const result = form.locator('.webhook-result');
    await until(
      () => result.textContent(),
      (text) => /^(Sent|Not sent)/.test(text ?? ''),
      'the result',
    );
    t.equal(await result.textContent(), 'Sent: the chat answered 200.');
    t.equal(receiver.bodies.length, 1, 'the chat got one message');
    receiver.status = 500;
    await form.getByRole('button', { name: 'Send test' }).click();
    await until(
      () => result.textContent(),
      (text) => /500/.test(text ?? ''),
      'the failed result',
    );
    t.match(await result.textContent(), /^Not sent/, 'a failure says so');
  });

  await t.test('a reply that fails to post alerts too', async (t) => {
    // The outbox's own event, as it publishes it when X refuses a reply for good.
    t.equal(await page.title(), 'Helpforce', 'nothing counted before');
    const question = (await server.app.services.presenters.summaryById(questionId))!;
    const at = new Date().toISOString();
    server.app.services.hub.publish('reply.failed', {
      question,
      reason: 'X refused the post (403 duplicate content)',
      reply: {
        id: 'r-failed-1',
        questionId,
        authorId: 'u1',
        status: 'failed',
        text: 'Try another cable.',
        preview: 'Try another cable. ^JD',
        weightedLength: 22,
        externalId: null,
        delivery: null,
        feedback: null,
        failureReason: 'duplicate',
        createdAt: at,
        updatedAt: at,
      },
    });
    await until(
      () => page.title(),
      (title) => title === '(1) Helpforce',
      'the title',
    );
    const [note] = await until(
      () => shownNotifications(page),
      (l) => l.length === 1 && l[0]!.title === 'A reply failed to post',
      'the notification',
    );
    t.match(note!.body, /^X refused the post \(403 duplicate content\)/, 'saying why');
    t.same(
      errors.filter((e) => !/status of 401/.test(e)),
      [],
      'no script errors',
    );
  });
});
