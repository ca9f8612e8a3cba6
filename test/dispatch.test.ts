// Waves, escalation, release and stale claims, driven by a manual clock: nothing here sleeps.
import t from 'tap';
import type { AddressInfo } from 'node:net';
import { createManualClock } from '../server/domain/clock.js';
import { EXPIRE_BATCH } from '../server/services/dispatcher.js';
import { as, buildTestApp, createUser, seedTags } from './helpers/app.js';
import { connectWs, type LiveClient } from './helpers/ws.js';

async function setup(t: Parameters<typeof buildTestApp>[0], experts = 7) {
  const clock = createManualClock();
  const app = await buildTestApp(t, { clock, routing: { k: 3, waveMs: 60_000, escalateMs: 200_000, holdMs: 300_000 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  await seedTags(app);
  const team = [];
  for (let i = 0; i < experts; i++) {
    const expert = await createUser(app, 'expert', {
      name: `Expert ${i}`,
      profile: { signature: `E${i}`, skills: [{ tag: 'tv', level: 5 - (i % 5) }], capacity: 2 },
    });
    team.push(expert);
  }
  const manager = await createUser(app, 'manager');
  const sockets: LiveClient[] = [];
  for (const member of [...team, manager]) sockets.push(await connectWs(base, { cookie: member.cookie }));
  t.teardown(() => sockets.forEach((s) => s.close()));
  const managerLive = sockets.at(-1)!;
  // Presence arrives with the socket; give the server a moment to register all of them.
  for (let i = 0; i < 50 && app.services.hub.stats().users < team.length + 1; i++)
    await new Promise((r) => setTimeout(r, 20));
  const ingest = async (text = 'my tv soundbar has no sound over hdmi') =>
    (
      await as(app, manager).post('/api/questions', {
        channel: 'api',
        externalId: `q-${Math.random()}`,
        text,
        author: { handle: 'cust' },
      })
    ).json().question;
  const offers = async (id: string) =>
    (await as(app, manager).get(`/api/questions/${id}`)).json().question.offers as {
      expertId: string;
      wave: number;
      state: string;
      reasons: Record<string, number>;
    }[];
  return { app, clock, team, manager, managerLive, ingest, offers };
}

t.test('waves: K experts at a time, the next K when nobody claims, then escalation to managers', async (t) => {
  const { app, clock, managerLive, ingest, offers } = await setup(t);
  const question = await ingest();
  t.equal(question.status, 'offered');
  let all = await offers(question.id);
  t.equal(all.filter((o) => o.wave === 1).length, 3, 'wave 1 offers three experts');
  t.ok(
    all.every((o) => Object.keys(o.reasons).some((r) => r.startsWith('skill:'))),
    'each offer says which skill matched',
  );

  clock.advance(59_000);
  await app.services.dispatcher.tick();
  t.equal((await offers(question.id)).length, 3, 'no new wave before the wave time');

  clock.advance(2_000);
  await app.services.dispatcher.tick();
  all = await offers(question.id);
  t.equal(all.filter((o) => o.wave === 1 && o.state === 'expired').length, 3, 'wave 1 expired');
  const wave2 = all.filter((o) => o.wave === 2);
  t.equal(wave2.length, 3, 'wave 2 offers the next three');
  t.equal(new Set(all.map((o) => o.expertId)).size, 6, 'nobody is offered twice');

  clock.advance(61_000);
  await app.services.dispatcher.tick();
  t.equal((await offers(question.id)).filter((o) => o.wave === 3).length, 1, 'wave 3 offers whoever is left');

  clock.advance(80_000);
  await app.services.dispatcher.tick();
  const escalated = await managerLive.next('question.escalated', (e) => e.data.question.id === question.id);
  t.equal(escalated.data.question.status, 'escalated', 'managers are alerted over /ws after the escalation time');
});

t.test('a released question is re-offered without the expert who released it', async (t) => {
  const { app, team, ingest, offers } = await setup(t);
  const question = await ingest();
  const first = (await offers(question.id))[0]!;
  const holder = team.find((m) => m.user.id === first.expertId)!;
  t.equal((await as(app, holder).post(`/api/questions/${question.id}/claim`)).statusCode, 200);
  const released = await as(app, holder).post(`/api/questions/${question.id}/release`);
  t.equal(released.statusCode, 200);
  t.equal(released.json().question.status, 'offered');
  const after = await offers(question.id);
  const latest = after.filter((o) => o.wave === Math.max(...after.map((x) => x.wave)));
  t.ok(latest.length > 0, 'a new wave went out');
  t.notOk(
    latest.some((o) => o.expertId === holder.user.id),
    'not to the expert who released it',
  );
  t.equal(
    (await as(app, holder).post(`/api/questions/${question.id}/release`)).statusCode,
    403,
    'once released, it is no longer theirs to release',
  );
});

t.test('a claim held too long without a reply goes back to the pool', async (t) => {
  const { app, clock, team, ingest, offers } = await setup(t);
  const question = await ingest();
  const offered = (await offers(question.id))[0]!;
  const expert = team.find((m) => m.user.id === offered.expertId)!;
  await as(app, expert).post(`/api/questions/${question.id}/claim`);
  clock.advance(301_000);
  await app.services.dispatcher.tick();
  const detail = (await as(app, expert).get(`/api/questions/${question.id}`)).json().question;
  t.equal(detail.status, 'offered', 'back to offered');
  t.equal(detail.assigneeId, null);
  t.ok(
    detail.events.some(
      (e: { type: string; data: { reason?: string } }) =>
        e.type === 'question.released' && /too long/.test(e.data.reason ?? ''),
    ),
  );
});

t.test('a question no skilled expert can take goes to generalists and is flagged', async (t) => {
  const { app, manager, ingest } = await setup(t, 2);
  const generalist = await createUser(app, 'expert', {
    name: 'Gen',
    profile: { signature: 'G', skills: [], generalist: true },
  });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const live = await connectWs(base, { cookie: generalist.cookie });
  t.teardown(() => live.close());
  for (let i = 0; i < 50 && !app.services.hub.isOnline(generalist.user.id); i++)
    await new Promise((r) => setTimeout(r, 20));
  const question = await ingest('do you sell gift cards for birthdays?');
  const offer = await live.next('question.offered', (e) => e.data.question.id === question.id);
  t.equal(offer.data.question.flag, 'no-tag', 'the manager sees why it went to generalists');
  const detail = (await as(app, manager).get(`/api/questions/${question.id}`)).json().question;
  t.same(
    detail.offers.map((o: { expertId: string }) => o.expertId),
    [generalist.user.id],
    'only the generalist is offered',
  );
});

t.test('a manager can assign from any open state, and the assignee is told live', async (t) => {
  const { app, team, manager, ingest } = await setup(t, 3);
  const question = await ingest();
  const target = team[2]!;
  const res = await as(app, manager).post(`/api/questions/${question.id}/assign`, { expertId: target.user.id });
  t.equal(res.statusCode, 200);
  t.equal(res.json().question.assigneeId, target.user.id);
  t.equal(res.json().question.status, 'claimed');
  const reassign = await as(app, manager).post(`/api/questions/${question.id}/assign`, { expertId: team[0]!.user.id });
  t.equal(reassign.json().question.assigneeId, team[0]!.user.id, 'reassigning moves it');
  t.equal(
    (await as(app, manager).post(`/api/questions/${question.id}/assign`, { expertId: 'nobody' })).statusCode,
    422,
  );
  t.equal(
    (await as(app, manager).post(`/api/questions/${question.id}/dismiss`, { reason: 'spam' })).json().question.status,
    'dismissed',
  );
  t.equal(
    (await as(app, manager).post(`/api/questions/${question.id}/assign`, { expertId: target.user.id })).statusCode,
    409,
    'a dismissed question cannot be assigned',
  );
});

t.test('a question nobody could be offered is offered as soon as a suitable expert comes online', async (t) => {
  const clock = createManualClock();
  const app = await buildTestApp(t, { clock, routing: { k: 3, waveMs: 60_000, escalateMs: 600_000 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  await seedTags(app);
  const expert = await createUser(app, 'expert', { profile: { signature: 'E', skills: [{ tag: 'tv', level: 4 }] } });
  const manager = await createUser(app, 'manager');
  const question = (
    await as(app, manager).post('/api/questions', {
      channel: 'api',
      externalId: 'idle-1',
      text: 'tv remote lost',
      author: { handle: 'c' },
    })
  ).json().question;
  t.equal(question.status, 'new', 'nobody is online: no offer yet');
  t.equal(question.flag, 'no-expert');
  await app.services.dispatcher.tick();
  t.equal(
    (await as(app, manager).get(`/api/questions/${question.id}`)).json().question.offers.length,
    0,
    'ticks do not offer to nobody',
  );

  const live = await connectWs(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, {
    cookie: expert.cookie,
  });
  t.teardown(() => live.close());
  for (let i = 0; i < 50 && !app.services.hub.isOnline(expert.user.id); i++)
    await new Promise((r) => setTimeout(r, 20));
  await app.services.dispatcher.tick();
  const offer = await live.next('question.offered', (e) => e.data.question.id === question.id);
  t.equal(offer.data.question.status, 'offered');
  t.equal(offer.data.question.flag, null, 'the flag clears once a skilled expert has it');

  clock.advance(61_000);
  await app.services.dispatcher.tick();
  const offers = (await as(app, manager).get(`/api/questions/${question.id}`)).json().question.offers;
  t.equal(offers.length, 2, 'when everyone suitable has had a turn, another round starts');
});

t.test('a backlog of expired waves is worked off in bounded slices', async (t) => {
  const { app, clock } = await setup(t);
  const { dispatcher, ingest, db } = app.services;
  for (let i = 0; i < 25; i++)
    await ingest.ingest({
      channel: 'api',
      externalId: `backlog-${i}`,
      text: 'my tv soundbar has no sound over hdmi',
      author: { handle: 'cust' },
    });
  const openExpired = db.$client
    .prepare("select count(*) from offers where state = 'open' and expires_at <= ?")
    .pluck();
  t.equal(openExpired.get(clock.now() + 60_000), 75, 'three offers per question, all due at the same moment');

  clock.advance(61_000);
  t.equal(await dispatcher.tick(), true, 'one slice leaves work over');
  t.equal(openExpired.get(clock.now()), 75 - EXPIRE_BATCH, `a slice expires at most ${EXPIRE_BATCH} offers`);

  await dispatcher.run();
  t.equal(openExpired.get(clock.now()), 0, 'run() goes on until nothing expired is left open');
  const waves = db.$client.prepare("select min(wave) from questions where external_id like 'backlog-%'").pluck().get();
  t.equal(waves, 2, 'every question moved on to its second wave');
  t.equal(await dispatcher.tick(), false, 'caught up');
});
