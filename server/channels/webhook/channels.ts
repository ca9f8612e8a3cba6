// The API channels' delivery settings and their adapters. Each configured channel has a webhook adapter in the channel
// registry, so the outbox posts its replies like any network's; a channel with none has its replies recorded and
// marked not sent. The settings are one JSON row of the settings table, apart from the Settings document that
// GET /api/settings returns, because they hold the secrets.
import type { Channel } from '../../contracts/channels.js';
import type { Clock } from '../../domain/clock.js';
import { conflict, invalid, notFound } from '../../errors.js';
import type { Unit, UnitOfWork } from '../../events/unit-of-work.js';
import type { OutboxCount } from '../../repositories/channel-traffic.js';
import type { ReadRepositories } from '../../repositories/index.js';
import type { ChannelRegistry } from '../registry.js';
import { createWebhookAdapter } from './adapter.js';
import type { WebhookSender } from './sender.js';
import { newWebhookSecret } from './signature.js';

/** Networks with adapters of their own: their replies never go to a webhook. */
const NETWORKS = ['x', 'bluesky', 'mastodon'];
/** How long the previous secret keeps signing after a rotation (Stripe allows up to a day). */
const ROTATION_GRACE_MS = 24 * 60 * 60_000;

interface StoredWebhook {
  url: string;
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: number | null;
  createdAt: number;
  secretRotatedAt: number | null;
}

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

interface Deps {
  data: Pick<ReadRepositories, 'channelSecrets' | 'channelTraffic' | 'replies'>;
  uow: UnitOfWork;
  clock: Clock;
  registry: Pick<ChannelRegistry, 'get' | 'register' | 'unregister' | 'list'>;
  sender: Pick<WebhookSender, 'verify' | 'post'>;
  log: Logger;
  /** The stored webhooks changed here: other nodes read them again (server/cluster/). */
  changed?: () => void;
}

export function createWebhookChannels({ data, uow, clock, registry, sender, log, changed }: Deps) {
  // The webhooks as stored, kept in memory: an adapter reads its address and secrets at every send. A change is made
  // to the stored entry, then held here once committed.
  const webhooks = new Map<string, StoredWebhook>();

  /**
   * Stores this channel's webhook as held here (or its absence), leaving the others as stored: another node may have
   * changed another channel that this one has not read again yet, and writing the whole map would undo it.
   */
  async function writeOne(unit: Unit, name: string): Promise<void> {
    const stored = { ...(await unit.channelSecrets.webhooks()) };
    const webhook = webhooks.get(name);
    if (webhook) stored[name] = webhook;
    else delete stored[name];
    await unit.channelSecrets.saveWebhooks(stored);
  }

  /**
   * Changes one channel's webhook as stored, not as held here (another node may have changed it since this one last
   * read it: a rotation there must not be undone by an address change here), then holds the result.
   */
  async function change(
    name: string,
    next: (stored: StoredWebhook | undefined) => StoredWebhook,
  ): Promise<StoredWebhook> {
    let result: StoredWebhook | undefined;
    await uow.run(async (unit) => {
      const stored = { ...(await unit.channelSecrets.webhooks()) } as Record<string, StoredWebhook>;
      result = next(Object.hasOwn(stored, name) ? stored[name] : undefined);
      stored[name] = result;
      await unit.channelSecrets.saveWebhooks(stored);
    });
    if (!result) throw new Error('the webhook change wrote nothing');
    const attached = webhooks.has(name);
    webhooks.set(name, result);
    if (!attached) attach(name);
    changed?.();
    return result;
  }

  function secretsOf(webhook: StoredWebhook): string[] {
    const previousValid = webhook.previousSecret && (webhook.previousSecretUntil ?? 0) > clock.now();
    return previousValid && webhook.previousSecret ? [webhook.secret, webhook.previousSecret] : [webhook.secret];
  }

  function attach(name: string) {
    registry.register(
      createWebhookAdapter({
        channel: name,
        clock,
        questionOf: async (replyId) => (await data.replies.byId(replyId))?.questionId,
        send: sender.post,
        target: () => {
          const webhook = webhooks.get(name);
          if (!webhook) throw new Error(`The channel "${name}" has no webhook`);
          return { url: webhook.url, secrets: secretsOf(webhook) };
        },
      }),
    );
  }

  /** A network's own adapter (not a webhook) serves this channel, or will once connected. */
  function isNetwork(name: string): boolean {
    return NETWORKS.includes(name) || (registry.get(name) !== undefined && !webhooks.has(name));
  }

  function describe(name: string, counts: Map<string, OutboxCount>): Channel {
    const webhook = webhooks.get(name);
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      name,
      delivery: webhook ? 'webhook' : registry.get(name) ? 'network' : 'none',
      webhook: webhook
        ? {
            url: webhook.url,
            createdAt: new Date(webhook.createdAt).toISOString(),
            secretRotatedAt: iso(webhook.secretRotatedAt),
            previousSecretUntil: secretsOf(webhook).length > 1 ? iso(webhook.previousSecretUntil) : null,
          }
        : null,
      outbox: counts.get(name) ?? { pending: 0, failed: 0 },
    };
  }

  function existing(name: string): StoredWebhook {
    const webhook = webhooks.get(name);
    if (!webhook) throw notFound(`A webhook for the channel "${name}"`);
    return webhook;
  }

  return {
    /**
     * Registers an adapter per stored webhook; called once every network's adapter is in the registry, and again
     * when another node changed the webhooks (those it removed go, changed ones take their new address and secrets).
     */
    async load(): Promise<void> {
      const stored = (await data.channelSecrets.webhooks()) as Record<string, StoredWebhook>;
      for (const name of [...webhooks.keys()]) {
        if (Object.hasOwn(stored, name)) continue;
        webhooks.delete(name);
        registry.unregister(name);
      }
      for (const [name, webhook] of Object.entries(stored)) {
        const ours = webhooks.has(name);
        if (!ours && registry.get(name)) {
          log.warn({ channel: name }, 'a network adapter serves this channel; its stored webhook is not used');
          continue;
        }
        webhooks.set(name, webhook);
        if (!ours) attach(name);
      }
    },

    async list(): Promise<Channel[]> {
      const seen = await data.channelTraffic.seen();
      const names = new Set([...registry.list().map((adapter) => adapter.name), ...webhooks.keys(), ...seen]);
      const counts = await data.channelTraffic.outboxCounts();
      return [...names].sort().map((name) => describe(name, counts));
    },

    /** Sets the channel's address; a new webhook's secret is returned here and never again. */
    async configure(name: string, url: string): Promise<{ channel: Channel; secret: string | null }> {
      if (isNetwork(name))
        throw conflict('network_channel', `"${name}" is a network with its own adapter; it takes no webhook`);
      const refused = await sender.verify(url);
      if (refused) throw invalid('endpoint_not_allowed', `This webhook address is not accepted: ${refused}`);
      let secret: string | null = null;
      await change(name, (stored) => {
        if (stored) {
          secret = null;
          return { ...stored, url };
        }
        secret = newWebhookSecret();
        return {
          url,
          secret,
          previousSecret: null,
          previousSecretUntil: null,
          createdAt: clock.now(),
          secretRotatedAt: null,
        };
      });
      log.info({ channel: name }, secret ? 'channel webhook configured' : 'channel webhook address changed');
      return { channel: describe(name, await data.channelTraffic.outboxCounts()), secret };
    },

    /** A new secret at once; the previous one signs beside it for a day, so receivers can switch without a gap. */
    async rotate(name: string): Promise<{ channel: Channel; secret: string }> {
      existing(name);
      let secret = '';
      await change(name, (stored) => {
        if (!stored) throw notFound(`A webhook for the channel "${name}"`);
        const now = clock.now();
        secret = newWebhookSecret();
        return {
          ...stored,
          secret,
          previousSecret: stored.secret,
          previousSecretUntil: now + ROTATION_GRACE_MS,
          secretRotatedAt: now,
        };
      });
      log.info({ channel: name }, 'channel webhook secret rotated');
      return { channel: describe(name, await data.channelTraffic.outboxCounts()), secret };
    },

    /**
     * Stops delivering to the channel. Refused while replies wait to go out: they would be recorded as not sent,
     * which nobody removing an address expects.
     */
    async remove(name: string): Promise<Channel> {
      const webhook = existing(name);
      // The count and the removal in one unit: a reply queued on the channel meanwhile would otherwise be recorded as
      // not sent.
      let removed = false;
      try {
        await uow.run(async (unit) => {
          const waiting = await unit.channelTraffic.waitingOn(name);
          if (waiting > 0)
            throw conflict('replies_waiting', `${waiting} replies are waiting to be delivered on "${name}"`);
          if (webhooks.delete(name)) removed = true;
          registry.unregister(name);
          await writeOne(unit, name);
        });
      } catch (error) {
        if (removed) {
          webhooks.set(name, webhook);
          attach(name);
        }
        throw error;
      }
      changed?.();
      log.info({ channel: name }, 'channel webhook removed');
      return describe(name, await data.channelTraffic.outboxCounts());
    },
  };
}
export type WebhookChannels = ReturnType<typeof createWebhookChannels>;
