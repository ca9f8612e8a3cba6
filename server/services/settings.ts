import { eq } from 'drizzle-orm';
import { SettingsSchema, type Settings } from '../contracts/api.js';
import type { Db } from '../../db/client.js';
import { settings } from '../../db/schema.js';
import { DEFAULT_ATTRIBUTION_TEMPLATE } from '../domain/attribution.js';
import { DEFAULT_REVIEW_POLICY } from '../domain/review-policy.js';
import { invalid } from '../errors.js';

export { SettingsSchema, type Settings };

const DEFAULTS: Settings = {
  reviewPolicy: DEFAULT_REVIEW_POLICY,
  attributionTemplate: DEFAULT_ATTRIBUTION_TEMPLATE,
  attributionTemplates: {},
  alertWebhook: { url: null, events: ['question.escalated', 'sla.breached', 'post.failed'] },
  negativeSlaMinutes: null,
};

export interface SettingsOptions {
  /** Why a chat webhook address may not be used (address-policy), or null; checked again on every send. */
  checkWebhookUrl?: (url: string) => string | null;
}

/** Product settings an admin can change at run time, cached in memory and stored as one JSON row each. */
export function createSettingsService(db: Db, { checkWebhookUrl }: SettingsOptions = {}) {
  let cache: Settings | null = null;
  function read(): Settings {
    if (cache) return cache;
    const stored = Object.fromEntries(
      db
        .select()
        .from(settings)
        .all()
        .map((row) => [row.key, row.value]),
    );
    return (cache = SettingsSchema.parse({ ...DEFAULTS, ...stored }));
  }
  return {
    get: read,
    /** The attribution a reply on `channel` is posted with: the channel's own template, else the default. */
    attributionFor(channel: string): string {
      const current = read();
      const own = Object.hasOwn(current.attributionTemplates, channel) ? current.attributionTemplates[channel] : null;
      return own ?? current.attributionTemplate;
    },
    /** What anyone below admin reads: the webhook address lets whoever holds it post in the desk's channel. */
    forRole(role: string): Settings {
      const current = read();
      return role === 'admin' ? current : { ...current, alertWebhook: { ...current.alertWebhook, url: null } };
    },
    update(patch: Partial<Settings>): Settings {
      const next = SettingsSchema.parse({ ...read(), ...patch });
      const refused = patch.alertWebhook?.url ? checkWebhookUrl?.(patch.alertWebhook.url) : null;
      if (refused) throw invalid('endpoint_not_allowed', `This webhook address is not accepted: ${refused}`);
      db.transaction(() => {
        for (const [key, value] of Object.entries(patch)) {
          // A setting set back to null is its default: the row goes, as the column holds JSON and never NULL.
          if (next[key as keyof Settings] === null) {
            db.delete(settings).where(eq(settings.key, key)).run();
            continue;
          }
          db.insert(settings)
            .values({ key, value: next[key as keyof Settings] ?? value })
            .onConflictDoUpdate({ target: settings.key, set: { value: next[key as keyof Settings] } })
            .run();
        }
      });
      cache = next;
      return next;
    },
  };
}
export type SettingsService = ReturnType<typeof createSettingsService>;
