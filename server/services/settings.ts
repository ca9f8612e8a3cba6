import { eq } from 'drizzle-orm';
import { SettingsSchema, type Settings } from '../contracts/api.js';
import type { Db } from '../../db/client.js';
import { settings } from '../../db/schema.js';
import { DEFAULT_ATTRIBUTION_TEMPLATE } from '../domain/attribution.js';
import { DEFAULT_REVIEW_POLICY } from '../domain/review-policy.js';

export { SettingsSchema, type Settings };

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
