// The dashboard's "right now" tiles (metrics.tick) follow writes within about a second, not only every 5 s, and
// only while a manager is connected.
import t from 'tap';
import { httpAs, httpLogin } from './helpers/child-server.js';
import { startTestServer } from './helpers/server.js';
import { connectWs } from './helpers/ws.js';

t.test('a new question counts in the Open tile within a second or two of ingest', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const expert = await server.createUser('expert', { profile: { signature: 'EX', skills: [{ tag: 'laptops', level: 3 }], availability: 'available' } });
  const expertSession = await httpLogin(server.url, expert.email, expert.password);
  const expertLive = await connectWs(server.url, { cookie: expertSession.cookie });
  t.teardown(() => expertLive.close());
  const manager = await httpLogin(server.url, server.admin.email, server.admin.password);
  const live = await connectWs(server.url, { cookie: manager.cookie });
  t.teardown(() => live.close());

  const first = await live.next('metrics.tick', () => true, 7000);
  t.equal(first.data.open, 0, 'the first tick, on an empty queue');
  const ingestedAt = Date.now();
  const created = await httpAs(server.url, manager).post('/api/questions', { channel: 'api', externalId: 'tile-1', text: 'my laptop will not charge', author: { handle: 'cust' } });
  t.equal(created.status, 201);
  // Ticks without a write are 5 s apart: this one can only come this soon because of the write.
  const counted = await live.next('metrics.tick', (e) => e.data.open === 1, 2500);
  t.ok(Date.now() - ingestedAt < 2500, `counted ${Date.now() - ingestedAt} ms after ingest`);
  t.equal(counted.data.onlineExperts, 1, 'the connected, available expert is counted');
  t.notOk(expertLive.events.some((e) => e.type === 'metrics.tick'), 'experts do not receive the dashboard tiles');
});
