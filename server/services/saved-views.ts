// A manager's saved views: named sets of queue filters, one list per manager.
import { z } from 'zod';
import { SavedViewSchema, type SavedView } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { invalid, notFound } from '../errors.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import type { ReadRepositories } from '../repositories/index.js';
import { checkSearch } from './search.js';

export const MAX_SAVED_VIEWS = 20;

const StoredViewsSchema = z.array(SavedViewSchema);

function parsed(stored: unknown): SavedView[] {
  const views = StoredViewsSchema.safeParse(stored ?? []);
  return views.success ? views.data : [];
}

interface Deps {
  data: Pick<ReadRepositories, 'savedViews'>;
  uow: UnitOfWork;
  clock: Clock;
}

export function createSavedViewService({ data, uow, clock }: Deps) {
  return {
    async list(userId: string): Promise<SavedView[]> {
      return parsed(await data.savedViews.forUser(userId));
    },

    /** Saves under the name; a view of the same name (in any case) takes the new filters. A search the list would
     *  refuse (too many terms) is refused here, with the same 400. */
    async save(
      userId: string,
      input: Pick<SavedView, 'name' | 'filters'>,
    ): Promise<{ view: SavedView; created: boolean }> {
      if (input.filters.q) checkSearch(input.filters.q);
      // The list is read in the unit that writes it back, so two saves at once both land.
      return uow.run(async (unit) => {
        const views = parsed(await unit.savedViews.forUser(userId));
        const same = views.find((v) => v.name.toLowerCase() === input.name.toLowerCase());
        if (same) {
          const view = { ...same, name: input.name, filters: input.filters };
          await unit.savedViews.replace(
            userId,
            views.map((v) => (v.id === same.id ? view : v)),
          );
          return { view, created: false };
        }
        if (views.length >= MAX_SAVED_VIEWS)
          throw invalid('too_many_views', `At most ${MAX_SAVED_VIEWS} saved views: delete one first`);
        const now = clock.now();
        const view = { id: newId(now), ...input, createdAt: new Date(now).toISOString() };
        await unit.savedViews.replace(userId, [...views, view]);
        return { view, created: true };
      });
    },

    async remove(userId: string, id: string): Promise<void> {
      await uow.run(async (unit) => {
        const views = parsed(await unit.savedViews.forUser(userId));
        if (!views.some((v) => v.id === id)) throw notFound('Saved view');
        await unit.savedViews.replace(
          userId,
          views.filter((v) => v.id !== id),
        );
      });
    },
  };
}
export type SavedViewService = ReturnType<typeof createSavedViewService>;
