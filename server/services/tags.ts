import type { TagRow } from '../../db/schema.js';
import type { Tag } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import type { TagRule } from '../domain/routing/index.js';
import { conflict, notFound } from '../errors.js';
import type { Unit, UnitOfWork } from '../events/unit-of-work.js';
import type { ReadRepositories } from '../repositories/index.js';

const toTag = (row: TagRow): Tag => ({
  slug: row.slug,
  name: row.name,
  description: row.description,
  keywords: row.keywords,
  sensitive: row.sensitive,
});

interface Derived {
  list: Tag[];
  rules: TagRule[];
  slugs: Set<string>;
}

function derive(rows: TagRow[]): Derived {
  const list = rows.map(toTag);
  return {
    list,
    rules: list.map((t) => ({ slug: t.slug, keywords: [t.name, ...t.keywords] })),
    slugs: new Set(list.map((t) => t.slug)),
  };
}

interface Deps {
  data: Pick<ReadRepositories, 'tags'>;
  uow: UnitOfWork;
  clock: Clock;
  /** The tags changed here: other nodes read them again (server/cluster/). */
  onChange?: () => void;
}

export function createTagService({ data, uow, clock, onChange }: Deps) {
  // Tags change rarely and every ingest classifies against them, so the list, its rules and its slugs are held in
  // memory, read at start (`load`) and derived again after each change: what ingest and replies ask of them is
  // answered at once, without waiting on the database. The rules array keeps its identity until a change, which lets
  // the classifier keep its compiled form.
  let cache = derive([]);
  // Units commit one after another; a change's list replaces the cache only if no later change's list already has.
  let generation = 0;
  let cachedGeneration = 0;

  /** Runs a change in a unit that reads the list back, and holds that list once the unit has committed. */
  async function change<T>(work: (unit: Unit) => Promise<T>): Promise<T> {
    const { value, rows, at } = await uow.run(async (unit) => {
      const value = await work(unit);
      return { value, rows: await unit.tags.all(), at: ++generation };
    });
    if (at > cachedGeneration) {
      cache = derive(rows);
      cachedGeneration = at;
    }
    onChange?.();
    return value;
  }

  const all = () => cache.list;

  return {
    /** Reads the tags into memory; the app does so before it serves. */
    async load(): Promise<void> {
      cache = derive(await data.tags.all());
    },
    list: all,
    rules(): readonly TagRule[] {
      return cache.rules;
    },
    exists(slug: string) {
      return cache.slugs.has(slug);
    },
    sensitiveSlugs(): Set<string> {
      return new Set(
        all()
          .filter((t) => t.sensitive)
          .map((t) => t.slug),
      );
    },
    async create(input: Tag): Promise<Tag> {
      const row = await change((unit) => unit.tags.insert({ ...input, createdAt: clock.now() }));
      if (!row) throw conflict('tag_exists', `A tag with slug "${input.slug}" already exists`);
      return toTag(row);
    },
    async update(slug: string, patch: Partial<Omit<Tag, 'slug'>>): Promise<Tag> {
      const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      const row =
        Object.keys(changes).length === 0
          ? await data.tags.bySlug(slug)
          : await change((unit) => unit.tags.update(slug, changes));
      if (!row) throw notFound(`Tag "${slug}"`);
      return toTag(row);
    },
    /**
     * Deletes the tag; its snippets become general ones (offered with any question) rather than unreachable. A
     * sensitive tag's snippets would carry wording meant for reviewed answers (refunds, warranty) into questions whose
     * replies may post unreviewed, so while it has any the deletion is refused: move or delete them first.
     */
    async remove(slug: string): Promise<void> {
      await change(async (unit) => {
        const row = await unit.tags.remove(slug);
        if (!row) throw notFound(`Tag "${slug}"`);
        if (row.sensitive) {
          const held = await unit.snippets.countForTag(slug);
          if (held > 0) {
            throw conflict(
              'tag_has_snippets',
              `Tag "${slug}" is sensitive and has ${held} snippet${held === 1 ? '' : 's'}; move or delete them first, or they would be offered with every question`,
            );
          }
        }
        await unit.snippets.untag(slug, clock.now());
      });
    },
  };
}
export type TagService = ReturnType<typeof createTagService>;
