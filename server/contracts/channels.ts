// The channels an admin sees and the delivery each has: a network's own adapter (X, Bluesky, Mastodon), a signed
// webhook for an API channel, or none (its replies are recorded, not sent). A webhook's secret is in the answer that
// creates or rotates it and nowhere after.
import { z } from 'zod';

/** A channel name as questions carry it: lower case, as the ingest API is usually called with ("email", "chat"). */
export const ChannelNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,29}$/, 'a channel name is 1–30 lower-case letters, digits, "-" or "_"');
export const ChannelParamsSchema = z.object({ name: ChannelNameSchema });

export const ChannelWebhookSchema = z.object({
  url: z.string(),
  createdAt: z.string(),
  /** When the secret last changed; the previous one keeps signing beside it until `previousSecretUntil`. */
  secretRotatedAt: z.string().nullable(),
  previousSecretUntil: z.string().nullable(),
});
export type ChannelWebhook = z.infer<typeof ChannelWebhookSchema>;

export const ChannelSchema = z.object({
  name: z.string(),
  delivery: z.enum(['network', 'webhook', 'none']),
  webhook: ChannelWebhookSchema.nullable(),
  /** Replies waiting to go out on this channel, and those that failed for good (Retry on the question). */
  outbox: z.object({ pending: z.number(), failed: z.number() }),
});
export type Channel = z.infer<typeof ChannelSchema>;
export const ChannelListSchema = z.object({ items: z.array(ChannelSchema) });

export const WebhookBodySchema = z.object({ url: z.string().trim().min(1).max(2000) });
/** The answer that creates or rotates a secret carries it once; changing only the address carries none. */
export const WebhookSavedSchema = z.object({ channel: ChannelSchema, secret: z.string().nullable() });

/** GET /api/channels/rules: each channel with an adapter, and the rule any other channel's replies are counted by. */
const LengthInfoSchema = z.object({
  kind: z.enum(['x-weighted', 'graphemes', 'mastodon']),
  max: z.number(),
  unit: z.string(),
});
export const ChannelRulesSchema = z.object({
  items: z.array(z.object({ name: z.string(), label: z.string(), network: z.boolean(), length: LengthInfoSchema })),
  fallback: LengthInfoSchema,
});
