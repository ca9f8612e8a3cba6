// The dashboard's "right now" tiles, for connected managers: sent within a tick of a change that moves them (a
// question or reply changing, someone connecting, leaving or changing availability), and every 5 s regardless, for
// the day's rollover. Nothing is computed while no manager is watching.
import type { ClientEventMap } from '../contracts/events.js';
import type { EventBus } from '../events/unit-of-work.js';
import type { RealtimeHub } from '../services/realtime-hub.js';

const REFRESH_MS = 5000;

interface Deps {
  hub: RealtimeHub;
  events: Pick<EventBus, 'subscribe'>;
  live: () => Promise<ClientEventMap['metrics.tick']>;
  now?: () => number;
}

export function createLiveMetrics({ hub, events, live, now = () => performance.now() }: Deps) {
  let changed = true;
  let sentAt = -Infinity;
  /** A tick whose counts are still being read: the next one waits its turn rather than read them again alongside. */
  let reading = false;
  const change = () => {
    changed = true;
  };
  events.subscribe(change);
  hub.onPresence(change);
  hub.onPublish((type) => {
    if (type === 'expert.presence') change();
  });

  return {
    /** Called every second by the server's timer. */
    async tick() {
      if (reading || hub.managerCount() === 0) return;
      const at = now();
      if (!changed && at - sentAt < REFRESH_MS) return;
      changed = false;
      sentAt = at;
      reading = true;
      try {
        hub.publish('metrics.tick', await live());
      } finally {
        reading = false;
      }
    },
  };
}
