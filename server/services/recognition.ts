// Expert recognition over [from, to): per expert and per store, answers posted, median time from claim to reply,
// approval rate of reviewed replies, and customers' thank-yous (a `question.thanked` event counts for the author of
// the question's last reply posted before it). A manager sees everyone; an expert sees only their own row.
import type { Recognition, User } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { resolvePeriod } from '../domain/period.js';
import { percentiles } from './metrics.js';
import { createSentimentMetrics } from './sentiment-metrics.js';
import { isManager } from './question-access.js';
import { iso } from './presenters.js';
import type { ReadRepositories } from '../repositories/index.js';

interface Tally {
  answered: number;
  approved: number;
  rejected: number;
  times: number[];
  thanks: number;
}

const emptyTally = (): Tally => ({ answered: 0, approved: 0, rejected: 0, times: [], thanks: 0 });

function stats(t: Tally) {
  const reviewed = t.approved + t.rejected;
  return {
    answered: t.answered,
    medianReplyMs: percentiles(t.times).median,
    approvalRate: reviewed > 0 ? t.approved / reviewed : null,
    reviewed,
    thanks: t.thanks,
  };
}

export function createRecognitionService({
  data,
  clock,
}: {
  data: Pick<ReadRepositories, 'recognition' | 'sentiment' | 'names'>;
  clock: Clock;
}) {
  const sentiment = createSentimentMetrics({ data, clock });

  async function tallies(from: number, to: number): Promise<Map<string, Tally>> {
    const rows = await data.recognition.between(from, to);
    const byExpert = new Map<string, Tally>();
    const of = (id: string) => {
      let tally = byExpert.get(id);
      if (!tally) byExpert.set(id, (tally = emptyTally()));
      return tally;
    };
    for (const r of rows.replies) {
      const t = of(r.authorId);
      if (r.status === 'rejected') t.rejected++;
      else if (r.status !== 'in_review') t.approved++;
      if (r.ms !== null && r.ms >= 0) t.times.push(r.ms);
    }
    for (const r of rows.posted) of(r.authorId).answered += r.n;
    for (const r of rows.thanks) if (r.authorId) of(r.authorId).thanks++;
    return byExpert;
  }

  return {
    /** `experts` keeps only that many of the experts, most answers first (all by default); stores count everyone. */
    async compute(user: User, range: { from?: string; to?: string; experts?: number }): Promise<Recognition> {
      const { from, to } = resolvePeriod(range, clock.now(), 30);
      const byExpert = await tallies(from, to);
      // Who turned an unhappy customer around: the sentiment shift of the threads each expert answered.
      const shifts = new Map(
        (await sentiment.report({ from: iso(from), to: iso(to) })).byExpert.map((e) => [e.expertId, e] as const),
      );
      const shiftOf = (id: string) => ({
        negativeThreads: shifts.get(id)?.negativeThreads ?? 0,
        turned: shifts.get(id)?.turned ?? 0,
      });
      const roster = (await data.recognition.roster()).filter((e) => isManager(user) || e.id === user.id);
      if (roster.length === 0 && !isManager(user)) roster.push({ id: user.id, name: user.name, store: null });
      const experts = roster
        .map((e) => ({
          expertId: e.id,
          name: e.name,
          store: e.store,
          ...stats(byExpert.get(e.id) ?? emptyTally()),
          ...shiftOf(e.id),
        }))
        .sort((a, b) => b.answered - a.answered || b.thanks - a.thanks || a.name.localeCompare(b.name));
      const stores = new Map<
        string | null,
        { experts: number; tally: Tally; negativeThreads: number; turned: number }
      >();
      if (isManager(user)) {
        for (const e of roster) {
          const store =
            stores.get(e.store) ??
            stores.set(e.store, { experts: 0, tally: emptyTally(), negativeThreads: 0, turned: 0 }).get(e.store)!;
          const t = byExpert.get(e.id) ?? emptyTally();
          store.experts++;
          store.tally.answered += t.answered;
          store.tally.approved += t.approved;
          store.tally.rejected += t.rejected;
          store.tally.thanks += t.thanks;
          store.negativeThreads += shiftOf(e.id).negativeThreads;
          store.turned += shiftOf(e.id).turned;
          for (const ms of t.times) store.tally.times.push(ms);
        }
      }
      return {
        from: iso(from),
        to: iso(to),
        experts: experts.slice(0, range.experts),
        expertsTotal: experts.length,
        stores: [...stores]
          .map(([store, s]) => ({
            store,
            experts: s.experts,
            ...stats(s.tally),
            negativeThreads: s.negativeThreads,
            turned: s.turned,
          }))
          .sort((a, b) => b.answered - a.answered || String(a.store).localeCompare(String(b.store))),
      };
    },
  };
}
export type RecognitionService = ReturnType<typeof createRecognitionService>;
