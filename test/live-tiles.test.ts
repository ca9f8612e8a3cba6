// The dashboard's "right now" tiles (metrics.tick) follow writes and presence within about a second, not only every 5 s;
// and only managers receive them.
import t from 'tap';
import { createLiveMetrics } from '../server/listeners/live-metrics.js';
import { httpAs, httpLogin } from './helpers/child-server.js';
import { startTestServer } from './helpers/server.js';
import { connectWs } from './helpers/ws.js';

t.test('the tiles follow a new question and an expert connecting within a second or two', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const expert = await server.createUser('expert', {
    profile: { signature: 'EX', skills: [{ tag: 'laptops', level: 3 }], availability: 'available' },
  });
  const expertSession = await httpLogin(server.url, expert.email, expert.password);
  const manager = await httpLogin(server.url, server.admin.email, server.admin.password);
  const live = await connectWs(server.url, { cookie: manager.cookie });
  t.teardown(() => live.close());

  // Ticks without a change are 5 s apart: each tick below can only come within 3.5 s because of the change before it.
  const first = await live.next('metrics.tick', () => true, 7000);
  t.same([first.data.open, first.data.onlineExperts], [0, 0], 'the first tick: nothing open, nobody online');
  let changedAt = Date.now();
  const expertLive = await connectWs(server.url, { cookie: expertSession.cookie });
  t.teardown(() => expertLive.close());
  await live.next('metrics.tick', (e) => e.data.onlineExperts === 1, 3500);
  t.ok(Date.now() - changedAt < 3500, `an expert connecting is counted ${Date.now() - changedAt} ms later`);

  changedAt = Date.now();
  const created = await httpAs(server.url, manager).post('/api/questions', {
    channel: 'api',
    externalId: 'tile-1',
    text: 'my laptop will not charge',
    author: { handle: 'cust' },
  });
  t.equal(created.status, 201);
  await live.next('metrics.tick', (e) => e.data.open === 1, 3500);
  t.ok(Date.now() - changedAt < 3500, `a new question is counted in Open ${Date.now() - changedAt} ms after ingest`);
  t.notOk(
    expertLive.events.some((e) => e.type === 'metrics.tick'),
    'experts do not receive the dashboard tiles',
  );
});

t.test('a tick while the last one is still reading its counts is skipped, not a second read alongside', async (t) => {
  const published: unknown[] = [];
  const hub = {
    managerCount: () => 1,
    onPresence: () => {},
    onPublish: () => {},
    publish: (_type: string, data: unknown) => published.push(data),
  };
  let changed = () => {};
  let reads = 0;
  let finish: (tiles: never) => void = () => {};
  const liveMetrics = createLiveMetrics({
    hub: hub as never,
    events: {
      subscribe: (listener: () => void) => {
        changed = listener;
      },
    } as never,
    live: () => {
      reads++;
      return new Promise((resolve) => {
        finish = resolve;
      });
    },
    now: () => 0,
  });
  const first = liveMetrics.tick();
  changed(); // a write while the first tick reads: the tiles are due again
  await liveMetrics.tick();
  t.equal(reads, 1, 'the second tick did not read');
  finish({ open: 1 } as never);
  await first;
  t.same(published, [{ open: 1 }], 'the first tick sent what it read');
});
