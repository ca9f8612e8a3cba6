// Web Push and the chat webhook, put together: the guarded transport, the VAPID keys, the subscriptions and the
// sender. What is pushed to whom is the notifier's (listeners/notifier.ts).
import type { FastifyBaseLogger } from 'fastify';
import { DEFAULT_VAPID_SUBJECT, type PushConfig } from '../config.js';
import type { Clock } from '../domain/clock.js';
import { invalid } from '../errors.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import { TEST_CHAT_MESSAGE } from '../listeners/push-messages.js';
import type { ReadRepositories } from '../repositories/index.js';
import { loadVapidKeys, type VapidKeys } from './push-keys.js';
import { createPushSender } from './push-sender.js';
import { createPushSubscriptionService } from './push-subscriptions.js';
import { AddressRefused, createPushTransport, type PushTransport } from './push-transport.js';

export const DEFAULT_PUSH_CONFIG: PushConfig = {
  allowLocalEndpoints: false,
  vapid: { subject: DEFAULT_VAPID_SUBJECT },
};

/** The transport comes first: settings use its address check for the webhook before the rest is built. */
export function createTransport(config: PushConfig = DEFAULT_PUSH_CONFIG): PushTransport {
  return createPushTransport({ allowLocal: config.allowLocalEndpoints, extraCa: config.extraCa });
}

interface Deps {
  data: Pick<ReadRepositories, 'pushSubscriptions' | 'serverKeys'>;
  uow: UnitOfWork;
  clock: Clock;
  config?: PushConfig;
  transport: PushTransport;
  log: FastifyBaseLogger;
  webhookUrl: () => string | null;
  onDevicesChanged: (userId: string) => void;
}

export function createPush({
  data,
  uow,
  clock,
  config = DEFAULT_PUSH_CONFIG,
  transport,
  log,
  webhookUrl,
  onDevicesChanged,
}: Deps) {
  // Loaded once, when first asked for; a failed load is tried again by the next caller.
  let keys: Promise<VapidKeys> | undefined;
  const vapid = () =>
    (keys ??= loadVapidKeys({ data, uow, clock }, config.vapid).catch((error: unknown) => {
      keys = undefined;
      throw error;
    }));
  const subscriptions = createPushSubscriptionService({ data, uow, clock, transport, onChange: onDevicesChanged });
  const sender = createPushSender({
    data,
    uow,
    clock,
    vapid,
    transport,
    log,
    subscriptions,
    webhookUrl,
    thread: { allowLocal: config.allowLocalEndpoints, extraCa: config.extraCa },
  });
  return {
    async publicKey(): Promise<string> {
      return (await vapid()).publicKey;
    },
    subscriptions,
    sender,
    /** Sends one test message to the given webhook address, or the saved one, and says how it went. */
    async testWebhook(
      url = webhookUrl() ?? undefined,
    ): Promise<{ ok: boolean; status: number | null; error?: string }> {
      if (!url) throw invalid('no_webhook', 'No chat webhook address is set');
      const refused = await transport.verify(url, 'webhook');
      if (refused) throw invalid('endpoint_not_allowed', `This webhook address is not accepted: ${refused}`);
      try {
        const status = await transport.postJson(url, TEST_CHAT_MESSAGE);
        return { ok: status >= 200 && status < 300, status };
      } catch (error) {
        if (error instanceof AddressRefused) throw invalid('endpoint_not_allowed', error.message);
        return { ok: false, status: null, error: (error as Error).message };
      }
    },
  };
}
export type Push = ReturnType<typeof createPush>;
