// A profile saves only what routing can use: skills on tags that exist, and a time zone the server knows.
import t from 'tap';
import { testEngine } from './helpers/postgres.js';
import { as, buildTestApp, createUser, seedTags } from './helpers/app.js';

t.test('a skill on a tag that does not exist is refused, naming the tag', async (t) => {
  const app = await buildTestApp(t);
  await seedTags(app);
  const jane = await createUser(app, 'expert');
  const response = await as(app, jane).put('/api/me/profile', {
    skills: [
      { tag: 'tv', level: 4 },
      { tag: 'quantum-toasters', level: 5 },
    ],
  });
  t.equal(response.statusCode, 422);
  t.equal(response.json().error.code, 'unknown_tag');
  t.match(response.json().error.message, '"quantum-toasters"');
  t.same((await as(app, jane).get('/api/me/profile')).json().skills, [], 'nothing was stored');

  t.equal((await as(app, jane).put('/api/me/profile', { skills: [{ tag: 'tv', level: 4 }] })).statusCode, 200);
  const manager = await createUser(app, 'manager');
  t.equal((await as(app, manager).delete('/api/tags/tv')).statusCode, 204);
  const again = await as(app, jane).put('/api/me/profile', {
    skills: [
      { tag: 'tv', level: 3 },
      { tag: 'laptops', level: 2 },
    ],
  });
  t.equal(again.statusCode, 200, 'a skill on a tag deleted since may stay: the form sends every skill back');
  t.same(
    again
      .json()
      .skills.map((s: { tag: string }) => s.tag)
      .sort(),
    ['laptops', 'tv'],
  );
});

t.test('the time zone must be one the server knows', async (t) => {
  const app = await buildTestApp(t);
  const jane = await createUser(app, 'expert');
  const schedule = (timezone: string) => ({ schedule: { timezone, slots: [{ day: 1, start: 540, end: 1020 }] } });
  const mars = await as(app, jane).put('/api/me/profile', schedule('Mars/Phobos'));
  t.equal(mars.statusCode, 400);
  t.match(mars.json().error, {
    code: 'invalid_request',
    message: /^schedule\.timezone: "Mars\/Phobos" is not a time zone this server knows/,
  });
  t.equal((await as(app, jane).get('/api/me/profile')).json().schedule, null, 'nothing was stored');
  for (const zone of ['Europe/Berlin', 'UTC', 'America/New_York', 'Asia/Kolkata', 'US/Eastern']) {
    const saved = await as(app, jane).put('/api/me/profile', schedule(zone));
    t.equal(saved.statusCode, 200, `${zone} is accepted`);
    t.equal(saved.json().schedule.timezone, zone);
  }
});

t.test('a profile is made once when two first requests race: all of one of them, nothing of the other', async (t) => {
  const app = await buildTestApp(t);
  await seedTags(app);
  const manager = await createUser(app, 'manager');
  const { experts } = app.services;
  const mine = { signature: 'MM', skills: [{ tag: 'tv', level: 5 }] };
  const theirs = { signature: 'XX', skills: [{ tag: 'laptops', level: 1 }] };
  const [first, second] = await Promise.all([
    experts.ensureProfile(manager.user.id, 'Mia Manager', mine),
    experts.ensureProfile(manager.user.id, 'Mia Manager', theirs),
  ]);
  // SQLite runs the two units one after the other, so the first wins; PostgreSQL runs them at once, and either may.
  const winner = testEngine() === 'sqlite' || first.signature === 'MM' ? mine : theirs;
  t.match(first, winner, 'one request made the whole profile');
  t.same(second, first, 'the other sees that profile, with nothing of its own');
  const stored = (await as(app, manager).get('/api/me/profile')).json();
  t.match(stored, { signature: winner.signature, skills: [{ tag: winner.skills[0]?.tag }] });
  t.equal(stored.skills.length, 1, 'no skill of the other request');
});
