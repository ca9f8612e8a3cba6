// The API channels' delivery settings and their adapters. Each configured channel has a webhook adapter in the channel
// registry, so the outbox posts its replies like any network's; a channel with none has its replies recorded and
// marked not sent. The settings are one JSON row of the settings table, apart from the Settings document that
// GET /api/settings returns, because they hold the secrets.
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { outbox, replies, settings } from '../../../db/schema.js';
import type { Channel } from '../../contracts/channels.js';
import type { Clock } from '../../domain/clock.js';
import { conflict, invalid, notFound } from '../../errors.js';
import type { ChannelRegistry } from '../registry.js';
import { createWebhookAdapter } from './adapter.js';
import type { WebhookSender } from './sender.js';
import { newWebhookSecret } from './signature.js';

const SETTINGS_KEY = 'channelWebhooks';
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
  db: Db;
  clock: Clock;
  registry: Pick<ChannelRegistry, 'get' | 'register' | 'unregister' | 'list'>;
  sender: Pick<WebhookSender, 'verify' | 'post'>;
  log: Logger;
}

export function createWebhookChannels({ db, clock, registry, sender, log }: Deps) {
  const webhooks = new Map<string, StoredWebhook>();

  function save() {
    const value = Object.fromEntries(webhooks);
    db.insert(settings)
      .values({ key: SETTINGS_KEY, value })
      .onConflictDoUpdate({ target: settings.key, set: { value } })
      .run();
  }

  function secretsOf(webhook: StoredWebhook): string[] {
    const previousValid = webhook.previousSecret && (webhook.previousSecretUntil ?? 0) > clock.now();
    return previousValid && webhook.previousSecret ? [webhook.secret, webhook.previousSecret] : [webhook.secret];
  }

  function questionOf(replyId: string): string | undefined {
    return db.select({ questionId: replies.questionId }).from(replies).where(eq(replies.id, replyId)).get()?.questionId;
  }

  function attach(name: string) {
    registry.register(
      createWebhookAdapter({
        channel: name,
        clock,
        questionOf,
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

  /** Channels questions arrived on, one index seek each: a skip scan over (channel, external_id). */
  function channelsSeen(): string[] {
    const rows = db.all<{ channel: string }>(sql`
      with recursive seen(channel) as (
        select min(channel) from questions
        union all
        select (select min(channel) from questions where channel > seen.channel) from seen where seen.channel is not null
      )
      select channel from seen where channel is not null`);
    return rows.map((row) => row.channel);
  }

  function outboxCounts(): Map<string, { pending: number; failed: number }> {
    const rows = db
      .select({ channel: outbox.channel, state: outbox.state, n: count() })
      .from(outbox)
      .where(inArray(outbox.state, ['pending', 'sending', 'failed']))
      .groupBy(outbox.channel, outbox.state)
      .all();
    const counts = new Map<string, { pending: number; failed: number }>();
    for (const row of rows) {
      const entry = counts.get(row.channel) ?? { pending: 0, failed: 0 };
      if (row.state === 'failed') entry.failed += row.n;
      else entry.pending += row.n;
      counts.set(row.channel, entry);
    }
    return counts;
  }

  function describe(name: string, counts = outboxCounts()): Channel {
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
    /** Registers an adapter per stored webhook; called once every network's adapter is in the registry. */
    load() {
      const row = db.select().from(settings).where(eq(settings.key, SETTINGS_KEY)).get();
      for (const [name, webhook] of Object.entries((row?.value ?? {}) as Record<string, StoredWebhook>)) {
        if (registry.get(name)) {
          log.warn({ channel: name }, 'a network adapter serves this channel; its stored webhook is not used');
          continue;
        }
        webhooks.set(name, webhook);
        attach(name);
      }
    },

    list(): Channel[] {
      const names = new Set([...registry.list().map((adapter) => adapter.name), ...webhooks.keys(), ...channelsSeen()]);
      const counts = outboxCounts();
      return [...names].sort().map((name) => describe(name, counts));
    },

    /** Sets the channel's address; a new webhook's secret is returned here and never again. */
    async configure(name: string, url: string): Promise<{ channel: Channel; secret: string | null }> {
      if (isNetwork(name))
        throw conflict('network_channel', `"${name}" is a network with its own adapter; it takes no webhook`);
      const refused = await sender.verify(url);
      if (refused) throw invalid('endpoint_not_allowed', `This webhook address is not accepted: ${refused}`);
      const current = webhooks.get(name);
      if (current) {
        webhooks.set(name, { ...current, url });
        save();
        log.info({ channel: name }, 'channel webhook address changed');
        return { channel: describe(name), secret: null };
      }
      const secret = newWebhookSecret();
      webhooks.set(name, {
        url,
        secret,
        previousSecret: null,
        previousSecretUntil: null,
        createdAt: clock.now(),
        secretRotatedAt: null,
      });
      save();
      attach(name);
      log.info({ channel: name }, 'channel webhook configured');
      return { channel: describe(name), secret };
    },

    /** A new secret at once; the previous one signs beside it for a day, so receivers can switch without a gap. */
    rotate(name: string): { channel: Channel; secret: string } {
      const current = existing(name);
      const now = clock.now();
      const secret = newWebhookSecret();
      webhooks.set(name, {
        ...current,
        secret,
        previousSecret: current.secret,
        previousSecretUntil: now + ROTATION_GRACE_MS,
        secretRotatedAt: now,
      });
      save();
      log.info({ channel: name }, 'channel webhook secret rotated');
      return { channel: describe(name), secret };
    },

    /**
     * Stops delivering to the channel. Refused while replies wait to go out: they would be recorded as not sent,
     * which nobody removing an address expects.
     */
    remove(name: string): Channel {
      existing(name);
      const waiting = db
        .select({ n: count() })
        .from(outbox)
        .where(and(eq(outbox.channel, name), inArray(outbox.state, ['pending', 'sending'])))
        .get();
      if (waiting && waiting.n > 0)
        throw conflict('replies_waiting', `${waiting.n} replies are waiting to be delivered on "${name}"`);
      webhooks.delete(name);
      save();
      registry.unregister(name);
      log.info({ channel: name }, 'channel webhook removed');
      return describe(name);
    },
  };
}
export type WebhookChannels = ReturnType<typeof createWebhookChannels>;
