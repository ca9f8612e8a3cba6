// Text under the brand over HTTP: what can become public is refused with 422 `unsafe_text` naming the character,
// the field and the position; what a customer sends is stored cleaned, never refused.
import t, { type Test } from 'tap';
import { ADMIN, as, buildTestApp, buildXTestApp, createUser, login, seedTags, type Session } from './helpers/app.js';
import { ask } from './helpers/knowledge.js';
import type { App } from '../server/app.js';

async function setup(t: Test) {
  const app = await buildTestApp(t);
  await seedTags(app);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const manager = await createUser(app, 'manager');
  const jane = await createUser(app, 'expert', {
    name: 'Jane',
    profile: { signature: 'AK', skills: [{ tag: 'tv', level: 5 }] },
  });
  return { app, admin, manager, jane };
}

async function claimed(app: App, manager: Session, expert: Session) {
  const question = await ask(app, manager, 'My TV has no sound');
  const claim = await as(app, expert).post(`/api/questions/${question.id}/claim`);
  if (claim.statusCode !== 200) throw new Error(`claim failed: ${claim.body}`);
  return question;
}

/** A JSON body as raw text, so it can carry what JSON.stringify would not write (a lone surrogate's escape). */
const rawPost = (app: App, session: Session, url: string, json: string) =>
  app.inject({
    method: 'POST',
    url,
    payload: json,
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' },
  });

const unsafe = (
  t: Test,
  response: { statusCode: number; json(): { error: { code: string; message: string } } },
  message: RegExp,
  name: string,
) => {
  t.equal(response.statusCode, 422, `${name}: 422`);
  t.equal(response.json().error.code, 'unsafe_text', `${name}: unsafe_text`);
  t.match(response.json().error.message, message, `${name}: says which character and where`);
};

t.test('the replies from the issue are refused, and nothing is queued to post', async (t) => {
  const { app, admin, manager, jane } = await setup(t);
  // No review: the zero-width reply was approved and posted without anyone seeing it.
  t.equal(
    (await as(app, admin).put('/api/settings', { reviewPolicy: { minApproved: 0, reviewAll: false } })).statusCode,
    200,
  );
  const question = await claimed(app, manager, jane);
  const url = `/api/questions/${question.id}/replies`;

  unsafe(
    t,
    await as(app, jane).post(url, { text: '\u200b\u200b\u200b' }),
    /^text: the text has only invisible characters/,
    'three zero-width spaces',
  );
  unsafe(
    t,
    await as(app, jane).post(url, { text: 'Fixed \u202eit' }),
    /^text: U\+202E RIGHT-TO-LEFT OVERRIDE at position 7/,
    'a right-to-left override',
  );
  unsafe(t, await as(app, jane).post(url, { text: 'Fixed\u0000 it' }), /^text: U\+0000 NULL at position 6/, 'a NUL');
  unsafe(
    t,
    await rawPost(app, jane, url, '{"text":"Fixed \\ud800 it"}'),
    /^text: U\+D800 LONE HIGH SURROGATE at position 7/,
    'a lone surrogate',
  );
  unsafe(
    t,
    await rawPost(app, jane, url, '{"text":"\\u202e\\u0000\\ud800"}'),
    /U\+202E RIGHT-TO-LEFT OVERRIDE at position 1/,
    'all three: the first is named',
  );

  const detail = (await as(app, manager).get(`/api/questions/${question.id}`)).json().question;
  t.equal(detail.status, 'claimed', 'the question is still waiting for a reply');
  t.same(detail.replies, [], 'no reply was stored');
  t.same(await app.services.data.outbox.countsByState(), {}, 'nothing to post');

  const fine = await as(app, jane).post(url, { text: 'Cafe\u0301 👨‍👩‍👧 مرحبا\nTry HDMI-CEC.' });
  t.equal(fine.statusCode, 201, 'real writing is accepted: accents, emoji sequences, Arabic, a line break');
  t.equal(fine.json().reply.preview, 'Café 👨‍👩‍👧 مرحبا\nTry HDMI-CEC. ^AK', 'normalized to NFC');
});

t.test("a manager's edit on approval follows the same rules", async (t) => {
  const { app, manager, jane } = await setup(t);
  const question = await claimed(app, manager, jane);
  const reply = (await as(app, jane).post(`/api/questions/${question.id}/replies`, { text: 'Try HDMI-CEC.' })).json()
    .reply;
  unsafe(
    t,
    await as(app, manager).post(`/api/replies/${reply.id}/approve`, { text: 'Try \u2066HDMI' }),
    /^text: U\+2066 LEFT-TO-RIGHT ISOLATE at position 5/,
    'an isolate',
  );
  unsafe(
    t,
    await as(app, manager).post(`/api/replies/${reply.id}/approve`, { text: ' \u2060 ' }),
    /^text: the text has only invisible characters/,
    'an invisible edit',
  );
  t.equal(
    (await as(app, manager).get(`/api/questions/${question.id}`)).json().question.replies[0].status,
    'in_review',
    'still waiting for review',
  );
});

t.test('signatures, names, tags, snippets and the attribution template are public text', async (t) => {
  const { app, admin, manager, jane } = await setup(t);
  unsafe(
    t,
    await as(app, jane).put('/api/me/profile', { signature: 'A\u202eK' }),
    /^signature: U\+202E RIGHT-TO-LEFT OVERRIDE at position 2/,
    'a signature',
  );
  unsafe(
    t,
    await as(app, jane).put('/api/me/profile', { signature: 'A\nK' }),
    /^signature: U\+000A LINE FEED at position 2 is not allowed: this field is a single line/,
    'a two-line signature',
  );
  unsafe(
    t,
    await as(app, jane).put('/api/me/profile', { signature: '\u3164' }),
    /^signature: the text has only invisible characters/,
    'a blank signature',
  );
  t.equal((await as(app, jane).get('/api/me/profile')).json().signature, 'AK', 'the signature is unchanged');

  unsafe(
    t,
    await as(app, admin).post('/api/users', {
      email: 'zw@test.helpforce',
      name: 'Jo\u200bhn',
      role: 'expert',
      password: 'password-long-1',
    }),
    /^name: U\+200B ZERO WIDTH SPACE at position 3/,
    "a new user's name",
  );
  unsafe(
    t,
    await as(app, admin).patch(`/api/users/${jane.user.id}`, { name: 'Jane\u0007' }),
    /^name: U\+0007 BELL at position 5/,
    'a renamed user',
  );

  unsafe(
    t,
    await as(app, manager).post('/api/tags', { slug: 'audio', name: 'Au\u202ddio' }),
    /^name: U\+202D LEFT-TO-RIGHT OVERRIDE/,
    'a tag name',
  );
  unsafe(
    t,
    await as(app, manager).post('/api/tags', { slug: 'audio', name: 'Audio', keywords: ['speaker', 'sound\tbar'] }),
    /^keywords\.1: U\+0009 CHARACTER TABULATION at position 6/,
    'a tag keyword',
  );
  unsafe(
    t,
    await as(app, manager).patch('/api/tags/tv', { name: '\ufeffTV\ufeffs' }),
    /^name: U\+FEFF ZERO WIDTH NO-BREAK SPACE at position 3/,
    'a renamed tag',
  );
  t.equal(
    (
      await as(app, manager).post('/api/tags', {
        slug: 'audio',
        name: 'Audio',
        description: 'Speakers\u0000 and sound',
      })
    ).json().tag.description,
    'Speakers and sound',
    'a tag description is internal: cleaned, not refused',
  );

  unsafe(
    t,
    await as(app, manager).post('/api/snippets', { title: 'Reset', text: 'Hold power\u0000 for 10 s' }),
    /^text: U\+0000 NULL at position 11/,
    'a snippet',
  );
  unsafe(
    t,
    await as(app, manager).post('/api/snippets', { title: 'Re\u2067set', text: 'Hold power for 10 s' }),
    /^title: U\+2067 RIGHT-TO-LEFT ISOLATE/,
    'a snippet title',
  );
  unsafe(
    t,
    await as(app, admin).put('/api/settings', { attributionTemplate: '{text} \u202e{signature}' }),
    /^attributionTemplate: U\+202E RIGHT-TO-LEFT OVERRIDE at position 8/,
    'the attribution template',
  );
  t.equal(
    (await as(app, admin).put('/api/settings', { attributionTemplate: '{text}\n— {signature}' })).statusCode,
    200,
    'a two-line template is fine',
  );

  const mixed = await as(app, admin).post('/api/users', {
    email: 'bad-email',
    name: 'Jo\u200bhn',
    role: 'expert',
    password: 'password-long-1',
  });
  t.equal(mixed.statusCode, 400, 'a malformed request stays a 400 even when it also holds unsafe text');
});

t.test('a signature stored before the rules still cannot reach a public post', async (t) => {
  const { app, manager, jane } = await setup(t);
  await app.services.experts.updateProfile(jane.user.id, { signature: 'A\u202eK' });
  const question = await claimed(app, manager, jane);
  const response = await as(app, jane).post(`/api/questions/${question.id}/replies`, { text: 'Try HDMI-CEC.' });
  t.equal(response.statusCode, 422);
  t.match(response.json().error, {
    code: 'unsafe_text',
    message: /^The public reply \(text, signature and attribution\): U\+202E RIGHT-TO-LEFT OVERRIDE/,
  });
});

t.test('internal notes, feedback and dismiss reasons are cleaned, not refused', async (t) => {
  const { app, manager, jane } = await setup(t);
  const question = await claimed(app, manager, jane);
  const note = await rawPost(
    app,
    jane,
    `/api/questions/${question.id}/notes`,
    '{"text":"Customer\\u0000 said \\u202eTV\\ud800 is new\\r\\nline two"}',
  );
  t.equal(note.statusCode, 201);
  t.equal(
    note.json().note.text,
    'Customer said \u202eTV\ufffd is new\nline two',
    'controls gone, surrogate replaced, bidi kept, one kind of line break',
  );
  const reply = (await as(app, jane).post(`/api/questions/${question.id}/replies`, { text: 'Try HDMI-CEC.' })).json()
    .reply;
  const rejected = await as(app, manager).post(`/api/replies/${reply.id}/reject`, { feedback: 'Say\u0007 more' });
  t.equal(rejected.json().reply.feedback, 'Say more');
  const other = await ask(app, manager, 'Buy followers');
  t.equal(
    (await as(app, manager).post(`/api/questions/${other.id}/dismiss`, { reason: 'spam\u0000' })).json().question
      .dismissReason,
    'spam',
  );
});

t.test('a hostile customer post is stored cleaned, not lost', async (t) => {
  const { app, manager } = await setup(t);
  const response = await rawPost(
    app,
    manager,
    '/api/questions',
    '{"channel":"test","externalId":"hostile-1","text":"my TV\\u0000 says \\u202eerror\\u0007 \\udc00 help","author":{"handle":"ev\\u0000il","name":"Eve\\nIL"}}',
  );
  t.equal(response.statusCode, 201, 'accepted');
  const question = response.json().question;
  t.equal(question.text, 'my TV says \u202eerror \ufffd help');
  t.same(question.author, { handle: 'evil', name: 'Eve IL', externalId: null });
  t.same(
    question.tags.map((tag: { slug: string }) => tag.slug),
    ['tv'],
    'classified from the cleaned words',
  );
});

t.test('a hostile mention from X is stored cleaned', async (t) => {
  const { fakeX, app } = await buildXTestApp(t);
  const manager = await createUser(app, 'manager');
  fakeX.addMention({
    text: '@AcmeHelp my TV\u0000 \u202eis\u0001 broken \ud83d',
    author: { username: 'mallory', name: 'Mal\u0000lory' },
  });
  t.equal((await app.xChannel.poller.pollOnce()).ingested, 1, 'the mention is ingested');
  const list = (await as(app, manager).get('/api/questions')).json();
  t.equal(list.items.length, 1);
  t.equal(list.items[0].text, '@AcmeHelp my TV \u202eis broken \ufffd');
  t.equal(list.items[0].author.name, 'Mallory');
});
