// The insight digest: what customers asked about in [from, to) — top tags, rising topics against the previous period
// of the same length, and what is still unanswered per tag — with a few example questions for each. Dismissed
// questions (spam, not questions) are left out.
import type { Insights } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { resolvePeriod } from '../domain/period.js';
import { risingBetween, TermCounts } from '../domain/rising-topics.js';
import { iso } from './presenters.js';
import type { ReadRepositories } from '../repositories/index.js';

const TOP_TAGS = 10;
const EXAMPLES = 3;

/** The tag names the digest shows (the tag service, or a copy of its list on the analytics thread). */
export interface TagNames {
  list(): readonly { slug: string; name: string }[];
}

type Example = Insights['topTags'][number]['examples'][number];

export function createInsightService({
  data,
  clock,
  tags,
}: {
  data: Pick<ReadRepositories, 'insights'>;
  clock: Clock;
  tags: TagNames;
}) {
  /** The rising topics' example questions, read once the topics are known (a few dozen ids). */
  async function examplesById(ids: Iterable<string>): Promise<Map<string, Example>> {
    const found = new Map<string, Example>();
    for (const { id, text, receivedAt } of await data.insights.texts([...new Set(ids)]))
      found.set(id, { id, text, receivedAt: iso(receivedAt) });
    return found;
  }

  // The range is read row by row, newest first, and only counts and a few examples are kept: holding every question
  // of a long range with its text and terms would grow the heap with the history
  // (docs/architecture.md#why-some-rules-are-so).
  async function compute(range: { from?: string; to?: string }): Promise<Insights> {
    const { from, to } = resolvePeriod(range, clock.now(), 7);
    const previousFrom = from - (to - from);
    const previous = new TermCounts();
    const current = new TermCounts({ examples: EXAMPLES, forms: true });
    const tagsOf = new Map<string, string[]>();
    const tagged = new Map<string, { count: number; examples: Example[] }>();
    const openByTag = new Map<string | null, number>();
    let unanswered = 0;
    await data.insights.eachInPeriod(previousFrom, from, to, {
      previous(text) {
        previous.addText('', text);
      },
      tag(questionId, slug) {
        const slugs = tagsOf.get(questionId);
        if (slugs) slugs.push(slug);
        else tagsOf.set(questionId, [slug]);
      },
      question(id, text, status, receivedAt) {
        // Terms keep their first examples' ids only: with a long tail of rare words most questions are some term's
        // example, and keeping their texts would hold most of the period in memory.
        current.addText(id, text);
        const slugs = tagsOf.get(id) ?? [];
        for (const slug of slugs) {
          let tag = tagged.get(slug);
          if (!tag) tagged.set(slug, (tag = { count: 0, examples: [] }));
          tag.count++;
          if (tag.examples.length < EXAMPLES) tag.examples.push({ id, text, receivedAt: iso(receivedAt) });
        }
        if (status === 'answered' || status === 'closed') return;
        unanswered++;
        for (const slug of slugs.length > 0 ? slugs : [null]) openByTag.set(slug, (openByTag.get(slug) ?? 0) + 1);
      },
    });

    const names = new Map(tags.list().map((t) => [t.slug, t.name]));
    const topTags = [...tagged]
      .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))
      .slice(0, TOP_TAGS)
      .map(([slug, tag]) => ({
        tag: slug,
        name: names.get(slug) ?? slug,
        count: tag.count,
        share: tag.count / current.documents,
        examples: tag.examples,
      }));
    const rising = risingBetween(current, previous);
    const examples = await examplesById(rising.flatMap((topic) => topic.exampleIds));
    const risingTopicsOut = rising.map(({ exampleIds, ...topic }) => ({
      ...topic,
      label: current.label(topic.term),
      examples: exampleIds.flatMap((id) => examples.get(id) ?? []),
    }));

    return {
      from: iso(from),
      to: iso(to),
      previousFrom: iso(previousFrom),
      totals: {
        questions: current.documents,
        previousQuestions: previous.documents,
        answered: current.documents - unanswered,
        unanswered,
      },
      topTags,
      risingTopics: risingTopicsOut,
      unansweredByTag: [...openByTag]
        .map(([tag, count]) => ({ tag, count }))
        .sort((a, b) => b.count - a.count || String(a.tag).localeCompare(String(b.tag))),
    };
  }

  return { compute };
}
export type InsightService = ReturnType<typeof createInsightService>;
