// Wires the Mastodon channel into the app: one masto client for the brand account behind the Mastodon adapter,
// registered for channel "mastodon"; the registry starts and stops its poller with the app.
import fp from 'fastify-plugin';
import type { MastodonChannelConfig } from '../../config.js';
import { createMastodonAdapter, type MastodonAdapter } from './adapter.js';
import { createMastodonClient } from './client.js';

declare module 'fastify' {
  interface FastifyInstance {
    mastodonChannel: MastodonAdapter;
  }
}

export default fp<{ mastodon: MastodonChannelConfig }>(
  async (app, { mastodon }) => {
    const { data, uow, clock, ingest, channels, channelAdapters } = app.services;
    const adapter = createMastodonAdapter({
      client: createMastodonClient(mastodon),
      data,
      uow,
      clock,
      ingest,
      status: channels,
      log: app.log.child({ component: 'mastodon-poller' }),
      intervalMs: mastodon.pollIntervalMs,
      serverUrl: mastodon.url,
    });
    channelAdapters.register(adapter);
    app.decorate('mastodonChannel', adapter);
  },
  { name: 'mastodon-channel', dependencies: ['services'] },
);
