// The live channel under real sockets: a client that drops and comes back resyncs from REST and finds everything
// that happened meanwhile; a client that stops reading is cut off before it can stall anyone else; presence follows
// an expert's last open socket.
import t from 'tap';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import type { App } from '../server/app.js';
import type { ClientEvent } from '../server/contracts/events.js';
import { MAX_BUFFERED_BYTES } from '../server/services/realtime-hub.js';
import { as, buildTestApp, createUser, seedTags, type Session } from './helpers/app.js';
import { eventually } from './helpers/child-server.js';
import { connectWs } from './helpers/ws.js';

type Test = Parameters<typeof buildTestApp>[0];

async function setup(t: Test) {
  const app = await buildTestApp(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  await seedTags(app);
  const expert = (name: string, signature: string) =>
    createUser(app, 'expert', { name, profile: { signature, skills: [{ tag: 'tv', level: 4 }], capacity: 3 } });
  const manager = await createUser(app, 'manager', { name: 'Mia Manager' });
  let n = 0;
  const ingest = async (text: string) => {
    const response = await as(app, manager).post('/api/questions', {
      channel: 'api',
      externalId: `rt-${++n}`,
      text,
      author: { handle: `customer${n}` },
    });
    t.equal(response.statusCode, 201);
    return response.json().question as { id: string };
  };
  const online = (userId: string) =>
    eventually(() => app.services.hub.isOnline(userId), `${userId} online`, 10_000, 20);
  const offline = (userId: string) =>
    eventually(() => !app.services.hub.isOnline(userId), `${userId} offline`, 10_000, 20);
  return { app, url, expert, manager, ingest, online, offline };
}

/** A raw `ws` client; `stall()` stops reading from its TCP socket, as a frozen tab or a dead phone link would. */
async function rawClient(url: string, session: Session) {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { headers: { cookie: session.cookie } });
  const events: ClientEvent[] = [];
  socket.on('message', (raw) => events.push(JSON.parse(raw.toString()) as ClientEvent));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const tcp = (socket as unknown as { _socket: import('node:net').Socket })._socket;
  return { socket, events, closed, stall: () => tcp.pause(), resume: () => tcp.resume(), destroy: () => tcp.destroy() };
}

const offerIds = async (app: App, session: Session) =>
  ((await as(app, session).get('/api/me/offers')).json().items as { question: { id: string } }[])
    .map((item) => item.question.id)
    .sort();

t.test('"experts online" counts the available experts connected, not the manager watching the dashboard', async (t) => {
  const { app, url, expert, manager, online, offline } = await setup(t);
  const jane = await expert('Jane Doe', 'JD');
  const live = async () => (await as(app, manager).get('/api/live')).json().onlineExperts as number;
  const managerLive = await connectWs(url, { cookie: manager.cookie });
  t.teardown(() => managerLive.close());
  await online(manager.user.id);
  t.equal(await live(), 0, 'the manager alone is not an expert online');
  const janeLive = await connectWs(url, { cookie: jane.cookie });
  await online(jane.user.id);
  t.equal(await live(), 1, 'Jane is');
  t.equal((await as(app, jane).put('/api/me/profile', { availability: 'away' })).statusCode, 200);
  t.equal(await live(), 0, 'Jane set Away is connected but takes no questions');
  t.equal((await as(app, jane).put('/api/me/profile', { availability: 'available' })).statusCode, 200);
  t.equal(await live(), 1, 'and counts again once Available');
  janeLive.close();
  await offline(jane.user.id);
  t.equal(await live(), 0);
});

t.test('a client that drops and reconnects finds everything that happened meanwhile', async (t) => {
  const { app, url, expert, manager, ingest, online, offline } = await setup(t);
  const jane = await expert('Jane Doe', 'JD');
  const omar = await expert('Omar Ali', 'OA');
  const managerLive = await connectWs(url, { cookie: manager.cookie });
  const omarLive = await connectWs(url, { cookie: omar.cookie });
  let janeLive = await connectWs(url, { cookie: jane.cookie });
  t.teardown(() => {
    managerLive.close();
    omarLive.close();
    janeLive.close();
  });
  await online(jane.user.id);
  await online(omar.user.id);

  const first = await ingest('my tv flickers over hdmi');
  await janeLive.next('question.offered', (e) => e.data.question.id === first.id);
  t.same(await offerIds(app, jane), [first.id], 'Jane holds a live offer');

  janeLive.close();
  const wentOffline = await managerLive.next(
    'expert.presence',
    (e) => e.data.expertId === jane.user.id && !e.data.online,
  );
  t.equal(wentOffline.data.online, false, 'managers see Jane go offline');
  await offline(jane.user.id);

  // While Jane is away: Omar takes the question she was offered, a new one arrives, and a manager assigns her a third.
  t.equal((await as(app, omar).post(`/api/questions/${first.id}/claim`)).statusCode, 200);
  const second = await ingest('tv soundbar pairing question');
  await omarLive.next('question.offered', (e) => e.data.question.id === second.id);
  const third = await ingest('which hdmi cable for a 4k tv');
  t.equal(
    (await as(app, manager).post(`/api/questions/${third.id}/assign`, { expertId: jane.user.id })).statusCode,
    200,
  );
  // The live channel renders an event after its unit commits, so it may leave after the HTTP answer; the manager
  // hears each in the same publish as Jane would, so once he has heard the last one, none is still on its way.
  await managerLive.next('question.claimed', (e) => e.data.question.id === third.id);

  janeLive = await connectWs(url, { cookie: jane.cookie });
  await managerLive.next('expert.presence', (e) => e.data.expertId === jane.user.id && e.data.online);
  t.same(janeLive.events, [], 'nothing is replayed on the socket: the client resyncs over REST');
  t.same(
    await offerIds(app, jane),
    [],
    'the offer Omar claimed is no longer in her inbox, and she was not offered the new one',
  );
  const mine = (await as(app, jane).get('/api/questions')).json().items as {
    id: string;
    status: string;
    assigneeId: string | null;
  }[];
  const byId = new Map(mine.map((q) => [q.id, q]));
  t.match(
    byId.get(first.id),
    { status: 'claimed', assigneeId: omar.user.id },
    'she sees who took the question she was offered',
  );
  t.match(
    byId.get(third.id),
    { status: 'claimed', assigneeId: jane.user.id },
    'the assignment made while she was away is hers',
  );
  t.notOk(byId.has(second.id), 'the question offered to others only stays out of her list');

  const fourth = await ingest('tv will not turn on');
  const live = await janeLive.next('question.offered', (e) => e.data.question.id === fourth.id);
  t.equal(live.data.offer.expertId, jane.user.id, 'and live offers reach her new socket');
});

t.test('an offer pushed into a socket that silently died is in the inbox after reconnecting', async (t) => {
  const { app, url, expert, ingest, online } = await setup(t);
  const jane = await expert('Jane Doe', 'JD');
  const dead = await rawClient(url, jane);
  await online(jane.user.id);
  dead.stall();
  const question = await ingest('tv has no picture');
  t.ok(app.services.hub.isOnline(jane.user.id), 'the server cannot tell the link is dead yet, so it offers to her');
  const fresh = await connectWs(url, { cookie: jane.cookie });
  t.teardown(() => fresh.close());
  dead.destroy();
  t.same(await offerIds(app, jane), [question.id], 'the offer she never received is there to resync');
  t.equal((await as(app, jane).post(`/api/questions/${question.id}/claim`)).statusCode, 200, 'and she can claim it');
});

t.test('a consumer that never reads is disconnected while others keep receiving', async (t) => {
  const { app, url, expert, manager, online, offline } = await setup(t);
  const slowExpert = await expert('Sam Slow', 'SS');
  const normalExpert = await expert('Nia Normal', 'NN');
  const managerLive = await connectWs(url, { cookie: manager.cookie });
  const normal = await connectWs(url, { cookie: normalExpert.cookie });
  const slow = await rawClient(url, slowExpert);
  t.teardown(() => {
    managerLive.close();
    normal.close();
    slow.destroy();
  });
  await online(slowExpert.user.id);
  await online(normalExpert.user.id);
  slow.stall();

  // 64 KiB notes to both experts. The normal client is kept at most a few messages behind; the stalled one only
  // fills the kernel's socket buffers and then the server's, until the hub gives up on it.
  const text = 'x'.repeat(64 * 1024);
  const received = () => normal.events.filter((e) => e.type === 'note.mention').length;
  let sent = 0;
  while (app.services.hub.stats().droppedSlow === 0 && sent < 2000) {
    app.services.hub.publish(
      'note.mention',
      { questionId: `q${sent}`, from: 'load', text },
      { users: [slowExpert.user.id, normalExpert.user.id], managers: false },
    );
    sent++;
    await eventually(() => received() >= sent - 4, 'the normal client to keep up', 10_000, 1);
  }
  t.equal(
    app.services.hub.stats().droppedSlow,
    1,
    `the stalled client was dropped after ${sent} messages (${((sent * 64) / 1024).toFixed(1)} MiB)`,
  );
  t.ok(sent * 64 * 1024 > MAX_BUFFERED_BYTES, 'only once more than the buffer bound was pending');
  await offline(slowExpert.user.id);
  const presence = await managerLive.next(
    'expert.presence',
    (e) => e.data.expertId === slowExpert.user.id && !e.data.online,
  );
  t.equal(presence.data.online, false, 'managers see the dropped expert go offline');

  for (let i = 0; i < 20; i++) {
    app.services.hub.publish(
      'note.mention',
      { questionId: `after${i}`, from: 'load', text: 'still here' },
      { users: [slowExpert.user.id, normalExpert.user.id], managers: false },
    );
  }
  await eventually(() => received() === sent + 20, 'every message to reach the normal client', 20_000, 10);
  t.ok(app.services.hub.isOnline(normalExpert.user.id), 'the normal client is still connected');
  t.equal(
    normal.events
      .filter((e) => e.type === 'note.mention')
      .map((e) => (e.data as { questionId: string }).questionId)
      .filter((id) => id.startsWith('after')).length,
    20,
    'and gets every event sent after the drop, in full',
  );

  slow.resume();
  t.equal(await slow.closed, 4008, 'once it reads again, the stalled client finds it was closed as too slow');
  t.ok(slow.events.length < sent, 'it did not get the messages published after the drop');
});

t.test('presence goes offline only when an expert closes their last socket', async (t) => {
  const { app, url, expert, manager, online, offline } = await setup(t);
  const jane = await expert('Jane Doe', 'JD');
  const managerLive = await connectWs(url, { cookie: manager.cookie });
  t.teardown(() => managerLive.close());
  const phone = await rawClient(url, jane);
  const laptop = await rawClient(url, jane);
  await online(jane.user.id);
  await managerLive.next('expert.presence', (e) => e.data.expertId === jane.user.id && e.data.online);
  const roster = async () =>
    ((await as(app, manager).get('/api/experts')).json().items as { id: string; online: boolean }[]).find(
      (e) => e.id === jane.user.id,
    )!.online;

  const connections = app.services.hub.stats().connections;
  phone.socket.close();
  await phone.closed;
  await eventually(
    () => app.services.hub.stats().connections === connections - 1,
    'the server to see the first socket close',
    10_000,
    10,
  );
  t.ok(app.services.hub.isOnline(jane.user.id), 'one tab closed, still online');
  t.equal(await roster(), true);
  t.notOk(
    managerLive.events.some((e) => e.type === 'expert.presence' && !(e.data as { online: boolean }).online),
    'no offline event yet',
  );

  laptop.socket.close();
  const gone = await managerLive.next('expert.presence', (e) => e.data.expertId === jane.user.id && !e.data.online);
  t.same(gone.data, { expertId: jane.user.id, online: false, availability: 'available' });
  await offline(jane.user.id);
  t.equal(await roster(), false, 'the roster shows her offline');
});
