// Wires the API channels' webhooks into the app: one guarded HTTP sender, the stored configurations turned into
// adapters in the channel registry once every network's adapter is there (a name a network owns keeps its network),
// and `app.webhookChannels` for the admin routes (routes/channels.ts).
import fp from 'fastify-plugin';
import { createWebhookChannels, type WebhookChannels } from './channels.js';
import { createWebhookSender } from './sender.js';

declare module 'fastify' {
  interface FastifyInstance {
    webhookChannels: WebhookChannels;
  }
}

export default fp<{ allowLocal: boolean }>(
  async (app, { allowLocal }) => {
    const { data, uow, clock, channelAdapters, cluster } = app.services;
    const sender = createWebhookSender({ allowLocal });
    const webhookChannels = createWebhookChannels({
      data,
      uow,
      clock,
      registry: channelAdapters,
      sender,
      log: app.log.child({ component: 'webhook-channels' }),
      changed: () => cluster.reloadElsewhere('webhooks'),
    });
    cluster.onReload('webhooks', () => webhookChannels.load());
    app.decorate('webhookChannels', webhookChannels);
    app.addHook('onReady', async () => webhookChannels.load());
    app.addHook('onClose', async () => sender.close());
  },
  { name: 'webhook-channels', dependencies: ['services'] },
);
