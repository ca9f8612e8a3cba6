import { SettingsSchema, type Settings } from '../contracts/api.js';
import { DEFAULT_ATTRIBUTION_TEMPLATE } from '../domain/attribution.js';
import { DEFAULT_REVIEW_POLICY } from '../domain/review-policy.js';
import { invalid } from '../errors.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import type { ReadRepositories } from '../repositories/index.js';

export { SettingsSchema, type Settings };

const DEFAULTS: Settings = {
  reviewPolicy: DEFAULT_REVIEW_POLICY,
  attributionTemplate: DEFAULT_ATTRIBUTION_TEMPLATE,
  attributionTemplates: {},
  alertWebhook: { url: null, events: ['question.escalated', 'sla.breached', 'post.failed'] },
  negativeSlaMinutes: null,
};

const fromRows = (rows: { key: string; value: unknown }[]): Settings =>
  SettingsSchema.parse({ ...DEFAULTS, ...Object.fromEntries(rows.map((row) => [row.key, row.value])) });

export interface SettingsDeps {
  data: Pick<ReadRepositories, 'settings'>;
  uow: UnitOfWork;
}

export interface SettingsOptions {
  /** Why a chat webhook address may not be used (address-policy), or null; checked again on every send. */
  checkWebhookUrl?: (url: string) => string | null;
  /** The settings changed here: other nodes read them again (server/cluster/). */
  onChange?: () => void;
}

/**
 * Product settings an admin can change at run time, stored as one JSON row each and held in memory: every reply and
 * alert reads them, and reads them at once. They are read at start (`load`) and kept after each change.
 */
export function createSettingsService(
  { data, uow }: SettingsDeps,
  { checkWebhookUrl, onChange }: SettingsOptions = {},
) {
  let current: Settings = SettingsSchema.parse(DEFAULTS);
  // Units commit one after another; a change's settings replace the ones held only if no later change's already have.
  let generation = 0;
  let heldGeneration = 0;
  const read = () => current;
  return {
    /** Reads the stored settings into memory; the app does so before it serves. */
    async load(): Promise<void> {
      current = fromRows(await data.settings.all());
    },
    get: read,
    /** The attribution a reply on `channel` is posted with: the channel's own template, else the default. */
    attributionFor(channel: string): string {
      const settings = read();
      const own = Object.hasOwn(settings.attributionTemplates, channel) ? settings.attributionTemplates[channel] : null;
      return own ?? settings.attributionTemplate;
    },
    /** What anyone below admin reads: the webhook address lets whoever holds it post in the desk's channel. */
    forRole(role: string): Settings {
      const settings = read();
      return role === 'admin' ? settings : { ...settings, alertWebhook: { ...settings.alertWebhook, url: null } };
    },
    /** Changes the settings in `patch`; the others keep what is stored, whatever another change did meanwhile. */
    async update(patch: Partial<Settings>): Promise<Settings> {
      const refused = patch.alertWebhook?.url ? checkWebhookUrl?.(patch.alertWebhook.url) : null;
      if (refused) throw invalid('endpoint_not_allowed', `This webhook address is not accepted: ${refused}`);
      const { next, at } = await uow.run(async (unit) => {
        const next = SettingsSchema.parse({ ...fromRows(await unit.settings.all()), ...patch });
        for (const [key, value] of Object.entries(patch)) {
          // A setting set back to null is its default: the row goes, as the column holds JSON and never NULL.
          if (next[key as keyof Settings] === null) await unit.settings.remove(key);
          else await unit.settings.put(key, next[key as keyof Settings] ?? value);
        }
        return { next, at: ++generation };
      });
      if (at > heldGeneration) {
        current = next;
        heldGeneration = at;
      }
      onChange?.();
      return next;
    },
  };
}
export type SettingsService = ReturnType<typeof createSettingsService>;
