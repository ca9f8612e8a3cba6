// Web Push (RFC 8030/8291/8292) and the desk's chat webhook: the HTTP contract and the JSON payload a push carries.
// The service worker in web/ imports PushPayload to show, replace or close notifications.
import { z } from 'zod';

export const PUSH_MESSAGE_TYPES = [
  'offer',
  'offer.withdrawn',
  'assigned',
  'mention',
  'reply.approved',
  'reply.rejected',
  'question.escalated',
  'sla.at_risk',
  'sla.breached',
  'post.failed',
] as const;
export type PushMessageType = (typeof PUSH_MESSAGE_TYPES)[number];

/**
 * What one push carries. `url` is an app-relative address to open on tap (`/#/q/<id>` for a question). Pushes about
 * the same question share the push service's Topic, so a newer one replaces an older one not yet delivered; the
 * service worker uses `tag` (the same value) to replace or, for 'offer.withdrawn', close the one on screen.
 */
export interface PushPayload {
  type: PushMessageType;
  questionId?: string;
  title: string;
  body: string;
  url: string;
  /** The notification tag: one per question (or per kind of alert with no question). */
  tag: string;
  /** Offers only: when the offer ends, so the notification can say how long is left or close itself. */
  expiresAt?: string;
}

const base64url = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `${what} must be URL-safe base64`)
    .refine((value) => Buffer.from(value, 'base64url').length === bytes, `${what} must be ${bytes} bytes`);

/** The browser's PushSubscription.toJSON(). p256dh is an uncompressed P-256 point (65 bytes); auth is 16 bytes. */
export const PushSubscriptionBodySchema = z.object({
  endpoint: z.url().max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({
    p256dh: base64url(65, 'keys.p256dh').refine(
      (value) => Buffer.from(value, 'base64url')[0] === 4,
      'keys.p256dh must be an uncompressed point',
    ),
    auth: base64url(16, 'keys.auth'),
  }),
});
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBodySchema>;

export const PushSubscriptionSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  userAgent: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
});
export type PushSubscriptionInfo = z.infer<typeof PushSubscriptionSchema>;

export const VapidPublicKeySchema = z.object({ key: z.string() });

export const ALERT_EVENTS = ['question.escalated', 'sla.at_risk', 'sla.breached', 'post.failed'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/** The desk's outgoing chat webhook (Slack incoming-webhook JSON; Teams and Mattermost accept the same `{text}`). */
export const AlertWebhookSchema = z.object({
  url: z.url().max(2048).nullable(),
  events: z.array(z.enum(ALERT_EVENTS)).max(ALERT_EVENTS.length),
});
export type AlertWebhook = z.infer<typeof AlertWebhookSchema>;

export const AlertWebhookTestBodySchema = z.object({ url: z.url().max(2048).optional() });
export const AlertWebhookTestResultSchema = z.object({
  ok: z.boolean(),
  status: z.number().nullable(),
  error: z.string().optional(),
});
