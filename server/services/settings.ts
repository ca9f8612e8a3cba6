import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { settings } from '../../db/schema.js';
import { DEFAULT_ATTRIBUTION_TEMPLATE } from '../domain/attribution.js';
import { DEFAULT_REVIEW_POLICY } from '../domain/review-policy.js';

export const SettingsSchema = z.object({
  reviewPolicy: z.object({ minApproved: z.number().int().min(0).max(1000), reviewAll: z.boolean() }),
  attributionTemplate: z.string().min(6).max(60).refine((t) => t.includes('{text}') && t.includes('{signature}'), 'the template needs {text} and {signature}'),
});
export type Settings = z.infer<typeof SettingsSchema>;

const DEFAULTS: Settings = { reviewPolicy: DEFAULT_REVIEW_POLICY, attributionTemplate: DEFAULT_ATTRIBUTION_TEMPLATE };

/** Product settings an admin can change at run time, cached in memory and stored as one JSON row each. */
export function createSettingsService(db: Db) {
  let cache: Settings | null = null;
  function read(): Settings {
    if (cache) return cache;
    const stored = Object.fromEntries(db.select().from(settings).all().map((row) => [row.key, row.value]));
    return (cache = SettingsSchema.parse({ ...DEFAULTS, ...stored }));
  }
  return {
    get: read,
    update(patch: Partial<Settings>): Settings {
      const next = SettingsSchema.parse({ ...read(), ...patch });
      db.transaction(() => {
        for (const [key, value] of Object.entries(patch)) {
          db.insert(settings).values({ key, value: next[key as keyof Settings] ?? value }).onConflictDoUpdate({ target: settings.key, set: { value: next[key as keyof Settings] } }).run();
        }
      });
      cache = next;
      return next;
    },
  };
}
export type SettingsService = ReturnType<typeof createSettingsService>;
