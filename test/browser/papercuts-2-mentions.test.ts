// Typing "@" in a team note offers colleagues by name, so a mention is spelled exactly as the server resolves it: by
// keyboard (arrows, Enter) or by pointer, and the one picked is told.
import t from 'tap';
import { DESKTOP, launchBrowser, openPage, signIn } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('@mentions in a note are picked from the directory', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const tv = { skills: [{ tag: 'tv', level: 5 }] };
  await server.createUser('expert', { name: 'Jacob Smith', profile: tv });
  await server.createUser('expert', { name: 'Jane Doe', profile: tv });
  await server.createUser('expert', { name: 'Omar Ali', profile: tv });
  const manager = await server.createUser('manager', { name: 'Mia Manager' });
  const mg = await openPage(browser, server.url, DESKTOP);
  await signIn(mg.page, manager.email, manager.password, '#/queue');
  server.fakeX.addMention({ text: 'My TV has no sound over HDMI', author: { username: 'casey_c' } });
  await mg.page.locator('.queue-row').first().click({ timeout: 20_000 });

  const note = mg.page.getByRole('combobox', { name: 'Internal note' });
  await note.click();
  await note.pressSequentially('Please check @ja');
  const options = mg.page.getByRole('listbox', { name: 'People to mention' }).getByRole('option');
  await options.first().waitFor();
  t.same(
    (await options.locator('strong').allTextContents()).sort(),
    ['Jacob Smith', 'Jane Doe'],
    'the colleagues whose name starts so',
  );
  t.equal(await note.getAttribute('aria-expanded'), 'true');
  const janeIndex = (await options.locator('strong').allTextContents()).indexOf('Jane Doe');
  for (let i = 0; i < janeIndex; i++) await note.press('ArrowDown');
  t.equal(await options.nth(janeIndex).getAttribute('aria-selected'), 'true', 'arrows move the choice');
  await note.press('Enter');
  t.equal(await note.inputValue(), 'Please check @Jane Doe ', 'Enter writes the exact name');
  t.equal(await note.getAttribute('aria-expanded'), 'false', 'and closes the list');

  await note.pressSequentially('and @o');
  await mg.page.getByRole('option', { name: /Omar Ali/ }).click();
  t.equal(await note.inputValue(), 'Please check @Jane Doe and @Omar Ali ', 'a click picks too');
  await note.pressSequentially('thanks @z');
  t.equal(await note.getAttribute('aria-expanded'), 'false', 'nobody matches: no list');

  await mg.page.getByRole('button', { name: 'Add note' }).click();
  await t.resolves(
    mg.page.locator('.toast', { hasText: 'Jane Doe, Omar Ali will be told' }).waitFor({ timeout: 10_000 }),
    'both are mentioned',
  );
});
