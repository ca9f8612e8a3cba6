// Wires the X channel into the app: one twitter-api-v2 client (pointed at X_API_BASE_URL when set) behind the X
// adapter, registered for channel "x"; the registry starts and stops its poller with the app.
import fp from 'fastify-plugin';
import type { XChannelConfig } from '../../config.js';
import { createXAdapter } from './adapter.js';
import { createXClient } from './client.js';
import type { MentionPoller } from './mention-poller.js';

declare module 'fastify' {
  interface FastifyInstance {
    xChannel: { poller: MentionPoller };
  }
}

export default fp<{ x: XChannelConfig }>(
  async (app, { x }) => {
    const { data, uow, clock, ingest, channels, channelAdapters } = app.services;
    const adapter = createXAdapter({
      client: createXClient(x.credentials, x.baseUrl, { timeoutMs: 15_000 }),
      data,
      uow,
      clock,
      ingest,
      status: channels,
      log: app.log.child({ component: 'x-poller' }),
      intervalMs: x.pollIntervalMs,
    });
    channelAdapters.register(adapter);
    app.decorate('xChannel', { poller: adapter.poller });
  },
  { name: 'x-channel', dependencies: ['services'] },
);
