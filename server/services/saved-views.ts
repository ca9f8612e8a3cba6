// A manager's saved views: named sets of queue filters. They are few and read whole, so each manager's list is one JSON
// row in the settings table (key `saved-views:<user id>`), which needs no table of its own.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { settings } from '../../db/schema.js';
import { SavedViewSchema, type SavedView } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { invalid, notFound } from '../errors.js';
import { checkSearch } from './search.js';

export const MAX_SAVED_VIEWS = 20;

const StoredViewsSchema = z.array(SavedViewSchema);
const keyFor = (userId: string) => `saved-views:${userId}`;

export function createSavedViewService({ db, clock }: { db: Db; clock: Clock }) {
  function read(userId: string): SavedView[] {
    const row = db
      .select()
      .from(settings)
      .where(eq(settings.key, keyFor(userId)))
      .get();
    const parsed = StoredViewsSchema.safeParse(row?.value ?? []);
    return parsed.success ? parsed.data : [];
  }

  function write(userId: string, views: SavedView[]) {
    db.insert(settings)
      .values({ key: keyFor(userId), value: views })
      .onConflictDoUpdate({ target: settings.key, set: { value: views } })
      .run();
  }

  return {
    list: read,

    /** Saves under the name; a view of the same name (in any case) takes the new filters. A search the list would
     *  refuse (too many terms) is refused here, with the same 400. */
    save(userId: string, input: Pick<SavedView, 'name' | 'filters'>): { view: SavedView; created: boolean } {
      if (input.filters.q) checkSearch(input.filters.q);
      return db.transaction(() => {
        const views = read(userId);
        const same = views.find((v) => v.name.toLowerCase() === input.name.toLowerCase());
        if (same) {
          const view = { ...same, name: input.name, filters: input.filters };
          write(
            userId,
            views.map((v) => (v.id === same.id ? view : v)),
          );
          return { view, created: false };
        }
        if (views.length >= MAX_SAVED_VIEWS)
          throw invalid('too_many_views', `At most ${MAX_SAVED_VIEWS} saved views: delete one first`);
        const now = clock.now();
        const view = { id: newId(now), ...input, createdAt: new Date(now).toISOString() };
        write(userId, [...views, view]);
        return { view, created: true };
      });
    },

    remove(userId: string, id: string) {
      db.transaction(() => {
        const views = read(userId);
        if (!views.some((v) => v.id === id)) throw notFound('Saved view');
        write(
          userId,
          views.filter((v) => v.id !== id),
        );
      });
    },
  };
}
export type SavedViewService = ReturnType<typeof createSavedViewService>;
