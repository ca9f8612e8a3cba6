// Presence across nodes (server/services/realtime-hub.ts): who tells the managers that an expert came or went. The node
// the socket is on does, and the relay carries that to the others; another node's snapshot only updates who is online
// here, or the managers would hear each change once per node. A node that is gone cannot tell anyone: then the nodes
// that noticed do.
import t from 'tap';
import { systemClock } from '../server/domain/clock.js';
import { createRealtimeHub, type RealtimeSocket } from '../server/services/realtime-hub.js';

const socket = (): RealtimeSocket => ({ send() {}, close() {}, bufferedAmount: 0 });

t.test('presence changes say whether this node announces them', async (t) => {
  const hub = createRealtimeHub(systemClock);
  const heard: [string, boolean, boolean][] = [];
  hub.onPresence((userId, online, announce) => heard.push([userId, online, announce]));

  const leave = hub.connect(socket(), 'ann', 'expert');
  hub.setRemotePresence('node-b', ['bo']);
  hub.setRemotePresence('node-b', []);
  hub.setRemotePresence('node-b', ['bo', 'cy']);
  hub.setRemotePresence('node-b', null);
  leave();

  t.same(heard, [
    ['ann', true, true],
    ['bo', true, false],
    ['bo', false, false],
    ['bo', true, false],
    ['cy', true, false],
    ['bo', false, true],
    ['cy', false, true],
    ['ann', false, true],
  ]);
});

t.test('a user on two nodes is online until the last socket anywhere closes', async (t) => {
  const hub = createRealtimeHub(systemClock);
  const heard: [string, boolean, boolean][] = [];
  hub.onPresence((userId, online, announce) => heard.push([userId, online, announce]));
  hub.setRemotePresence('node-b', ['ann']);
  const leave = hub.connect(socket(), 'ann', 'expert');
  leave();
  t.ok(hub.isOnline('ann'), 'still connected to node B');
  hub.setRemotePresence('node-b', []);
  t.notOk(hub.isOnline('ann'));
  t.same(heard, [
    ['ann', true, false],
    ['ann', false, false],
  ]);
});

t.test('an announcement made on a snapshot a moment old is put right when the next snapshot shows it', async (t) => {
  const hub = createRealtimeHub(systemClock);
  const heard: [string, boolean, boolean][] = [];
  hub.onPresence((userId, online, announce) => heard.push([userId, online, announce]));
  // Ann's socket here closes as her new one opens on node B, whose snapshot saying so has not arrived yet.
  const leave = hub.connect(socket(), 'ann', 'expert');
  leave();
  hub.setRemotePresence('node-b', ['ann']);
  // Node B saw her here when she connected there, so it announced nothing: this node must.
  t.same(heard, [
    ['ann', true, true],
    ['ann', false, true],
    ['ann', true, true],
  ]);
  // From now on node B is where she is: her going is node B's to announce.
  hub.setRemotePresence('node-b', []);
  t.same(heard.at(-1), ['ann', false, false]);
});
