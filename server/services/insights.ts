// The insight digest: what customers asked about in [from, to) — top tags, rising topics against the previous period
// of the same length, and what is still unanswered per tag — with a few example questions for each. Dismissed
// questions (spam, not questions) are left out.
import { and, desc, eq, gte, lt, ne } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { questions, questionTags } from '../../db/schema.js';
import type { Insights } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { risingTopics, surfaceForms, toTermDocuments } from '../domain/rising-topics.js';
import { invalid } from '../errors.js';
import { iso } from './views.js';

const DAY_MS = 24 * 3600_000;
const TOP_TAGS = 10;
const EXAMPLES = 3;

export function period(range: { from?: string; to?: string }, now: number, defaultDays: number): { from: number; to: number } {
  const to = range.to ? Date.parse(range.to) : now;
  const from = range.from ? Date.parse(range.from) : to - defaultDays * DAY_MS;
  if (from >= to) throw invalid('invalid_range', '`from` must be before `to`');
  return { from, to };
}

/** The tag names the digest shows (the tag service, or a copy of its list on the analytics thread). */
export interface TagNames { list(): readonly { slug: string; name: string }[] }

export function createInsightService({ db, clock, tags }: { db: Db; clock: Clock; tags: TagNames }) {
  function questionsBetween(from: number, to: number) {
    return db.select({ id: questions.id, text: questions.text, status: questions.status, receivedAt: questions.receivedAt }).from(questions)
      .where(and(gte(questions.receivedAt, from), lt(questions.receivedAt, to), ne(questions.status, 'dismissed'))).orderBy(desc(questions.receivedAt)).all();
  }

  // One read for the whole range (in chunks of ids it was ~600 statements for 30 days at 1M questions).
  function tagsBetween(from: number, to: number) {
    return db.select({ questionId: questionTags.questionId, slug: questionTags.slug }).from(questionTags)
      .innerJoin(questions, eq(questions.id, questionTags.questionId))
      .where(and(gte(questions.receivedAt, from), lt(questions.receivedAt, to), ne(questions.status, 'dismissed'))).all();
  }

  return {
    compute(range: { from?: string; to?: string }): Insights {
      const { from, to } = period(range, clock.now(), 7);
      const previousFrom = from - (to - from);
      const current = questionsBetween(from, to);
      const previous = questionsBetween(previousFrom, from);
      const byId = new Map(current.map((q) => [q.id, q]));
      const example = (id: string) => { const q = byId.get(id)!; return { id, text: q.text, receivedAt: iso(q.receivedAt) }; };

      const tagged = new Map<string, string[]>();
      const tagsOf = new Map<string, string[]>();
      for (const q of current) tagsOf.set(q.id, []);
      for (const row of tagsBetween(from, to)) tagsOf.get(row.questionId)?.push(row.slug);
      for (const q of current) {
        for (const slug of tagsOf.get(q.id)!) {
          const ids = tagged.get(slug) ?? [];
          ids.push(q.id);
          tagged.set(slug, ids);
        }
      }

      const names = new Map(tags.list().map((t) => [t.slug, t.name]));
      const topTags = [...tagged].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1)).slice(0, TOP_TAGS).map(([slug, ids]) => ({
        tag: slug, name: names.get(slug) ?? slug, count: ids.length, share: ids.length / current.length, examples: ids.slice(0, EXAMPLES).map(example),
      }));

      const rising = risingTopics(toTermDocuments(current), toTermDocuments(previous), { examples: EXAMPLES });
      const labels = surfaceForms(current.map((q) => q.text), rising.map((r) => r.term));
      const risingTopicsOut = rising.map(({ exampleIds, ...topic }) => ({ ...topic, label: labels.get(topic.term)!, examples: exampleIds.map(example) }));

      const unanswered = current.filter((q) => q.status !== 'answered' && q.status !== 'closed');
      const openByTag = new Map<string | null, number>();
      for (const q of unanswered) {
        const slugs = tagsOf.get(q.id)!;
        for (const slug of slugs.length > 0 ? slugs : [null]) openByTag.set(slug, (openByTag.get(slug) ?? 0) + 1);
      }

      return {
        from: iso(from), to: iso(to), previousFrom: iso(previousFrom),
        totals: { questions: current.length, previousQuestions: previous.length, answered: current.length - unanswered.length, unanswered: unanswered.length },
        topTags,
        risingTopics: risingTopicsOut,
        unansweredByTag: [...openByTag].map(([tag, count]) => ({ tag, count })).sort((a, b) => b.count - a.count || String(a.tag).localeCompare(String(b.tag))),
      };
    },
  };
}
export type InsightService = ReturnType<typeof createInsightService>;
