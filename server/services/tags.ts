import { count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { snippets, tags, type TagRow } from '../../db/schema.js';
import type { Tag } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import type { TagRule } from '../domain/routing/index.js';
import { conflict, notFound } from '../errors.js';

const toTag = (row: TagRow): Tag => ({
  slug: row.slug,
  name: row.name,
  description: row.description,
  keywords: row.keywords,
  sensitive: row.sensitive,
});

export function createTagService({ db, clock }: { db: Db; clock: Clock }) {
  // Tags change rarely and every ingest classifies against them, so the list, its rules and its slugs are derived
  // once per change. The rules array keeps its identity until then, which lets the classifier keep its compiled form.
  let cache: { list: Tag[]; rules: TagRule[]; slugs: Set<string> } | null = null;
  const derived = () => {
    if (!cache) {
      const list = db.select().from(tags).orderBy(tags.name).all().map(toTag);
      cache = {
        list,
        rules: list.map((t) => ({ slug: t.slug, keywords: [t.name, ...t.keywords] })),
        slugs: new Set(list.map((t) => t.slug)),
      };
    }
    return cache;
  };
  const all = () => derived().list;

  return {
    list: all,
    rules(): readonly TagRule[] {
      return derived().rules;
    },
    exists(slug: string) {
      return derived().slugs.has(slug);
    },
    sensitiveSlugs(): Set<string> {
      return new Set(
        all()
          .filter((t) => t.sensitive)
          .map((t) => t.slug),
      );
    },
    create(input: Tag): Tag {
      const row = db
        .insert(tags)
        .values({ ...input, createdAt: clock.now() })
        .onConflictDoNothing()
        .returning()
        .get();
      if (!row) throw conflict('tag_exists', `A tag with slug "${input.slug}" already exists`);
      cache = null;
      return toTag(row);
    },
    update(slug: string, patch: Partial<Omit<Tag, 'slug'>>): Tag {
      const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      const row =
        Object.keys(changes).length === 0
          ? db.select().from(tags).where(eq(tags.slug, slug)).get()
          : db.update(tags).set(changes).where(eq(tags.slug, slug)).returning().get();
      if (!row) throw notFound(`Tag "${slug}"`);
      cache = null;
      return toTag(row);
    },
    /**
     * Deletes the tag; its snippets become general ones (offered with any question) rather than unreachable. A
     * sensitive tag's snippets would carry wording meant for reviewed answers (refunds, warranty) into questions whose
     * replies may post unreviewed, so while it has any the deletion is refused: move or delete them first.
     */
    remove(slug: string) {
      db.transaction(() => {
        const row = db.delete(tags).where(eq(tags.slug, slug)).returning().get();
        if (!row) throw notFound(`Tag "${slug}"`);
        if (row.sensitive) {
          const held = db.select({ n: count() }).from(snippets).where(eq(snippets.tag, slug)).get()!.n;
          if (held > 0) {
            throw conflict(
              'tag_has_snippets',
              `Tag "${slug}" is sensitive and has ${held} snippet${held === 1 ? '' : 's'}; move or delete them first, or they would be offered with every question`,
            );
          }
        }
        db.update(snippets).set({ tag: null, updatedAt: clock.now() }).where(eq(snippets.tag, slug)).run();
      });
      cache = null;
    },
  };
}
export type TagService = ReturnType<typeof createTagService>;
