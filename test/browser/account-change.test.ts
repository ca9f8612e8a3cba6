// An admin's change to an account reaches the person's open app at once: deactivated, it goes back to the sign-in
// page; given another role, it starts over with that role's views.
import t from 'tap';
import { launchBrowser, openPage, PHONE, signIn, waitLive } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('an open app follows its account: a new role, then deactivation', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const expert = await server.createUser('expert', {
    name: 'Rita Role',
    profile: { signature: 'RR', skills: [{ tag: 'tv', level: 3 }] },
  });
  const login = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: server.admin });
  const admin = {
    cookie: `hf_session=${login.cookies.find((c) => c.name === 'hf_session')!.value}`,
    'x-csrf-token': login.json().csrfToken as string,
  };
  const change = (body: object) =>
    server.app.inject({ method: 'PATCH', url: `/api/users/${expert.id}`, headers: admin, payload: body });

  const { page, errors } = await openPage(browser, server.url, PHONE);
  await signIn(page, expert.email, expert.password, '#/inbox');
  await waitLive(page);
  t.equal(await page.getByRole('link', { name: 'Queue' }).count(), 0, 'an expert has no queue');

  t.equal((await change({ role: 'manager' })).statusCode, 200);
  await page.getByRole('link', { name: 'Queue' }).waitFor({ timeout: 15_000 });
  t.pass("made a manager, the open app shows the manager's views without a manual reload");
  await waitLive(page);

  t.equal((await change({ active: false })).statusCode, 200);
  await page.getByLabel('Password').waitFor({ timeout: 15_000 });
  t.pass('deactivated, it goes back to the sign-in page');
  // The browser logs the refused requests (the check of who we are, the socket's retry) as console errors: expected.
  t.same(
    errors.filter((e) => !/status of 401/.test(e)),
    [],
    'no script errors',
  );
});
