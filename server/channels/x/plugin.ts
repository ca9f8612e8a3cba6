// Wires the X channel into the app: one twitter-api-v2 client (pointed at X_API_BASE_URL when set), the mention
// poller feeding the question service, and the poster the outbox uses for channel "x".
import fp from 'fastify-plugin';
import type { XChannelConfig } from '../../config.js';
import { createXClient } from './client.js';
import { createMentionPoller, X_CHANNEL, type MentionPoller } from './mention-poller.js';
import { createXPoster } from './poster.js';

declare module 'fastify' {
  interface FastifyInstance {
    xChannel: { poller: MentionPoller };
  }
}

export default fp<{ x: XChannelConfig; timers: boolean }>(
  async (app, { x, timers }) => {
    const { db, clock, ingest, channels, posters } = app.services;
    const client = createXClient(x.credentials, x.baseUrl, { timeoutMs: 15_000 });
    const poller = createMentionPoller({
      client,
      db,
      clock,
      ingest,
      status: channels,
      log: app.log.child({ component: 'x-poller' }),
      intervalMs: x.pollIntervalMs,
    });
    posters.set(X_CHANNEL, createXPoster(client, poller.brandId));
    app.decorate('xChannel', { poller });
    if (timers) {
      app.addHook('onReady', async () => poller.start());
      app.addHook('preClose', async () => poller.stop());
    }
  },
  { name: 'x-channel', dependencies: ['services'] },
);
