// Wires the Bluesky channel into the app: one AtpAgent for the brand (logged in once, its session kept in the database
// and refreshed) behind the Bluesky adapter, registered for channel "bluesky"; the registry starts and stops its poller with the app.
import fp from 'fastify-plugin';
import type { BlueskyChannelConfig } from '../../config.js';
import { createBlueskyAdapter } from './adapter.js';
import type { NotificationPoller } from './notification-poller.js';
import { createBlueskySession } from './session.js';
import { createSessionStore } from './session-store.js';

declare module 'fastify' {
  interface FastifyInstance {
    blueskyChannel: { poller: NotificationPoller };
  }
}

export default fp<{ bluesky: BlueskyChannelConfig }>(
  async (app, { bluesky }) => {
    const { data, uow, clock, ingest, channels, channelAdapters } = app.services;
    const adapter = createBlueskyAdapter({
      session: createBlueskySession(bluesky, {
        timeoutMs: 15_000,
        store: createSessionStore(
          { data, uow, log: app.log.child({ component: 'bluesky-session' }) },
          bluesky.identifier,
        ),
      }),
      data,
      clock,
      ingest,
      status: channels,
      log: app.log.child({ component: 'bluesky-poller' }),
      intervalMs: bluesky.pollIntervalMs,
    });
    channelAdapters.register(adapter);
    app.decorate('blueskyChannel', { poller: adapter.poller });
  },
  { name: 'bluesky-channel', dependencies: ['services'] },
);
