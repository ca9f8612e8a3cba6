// Rows → API shapes. Batch loaders take many question ids at once so lists never query per row.
import type { QuestionRow, ReplyRow } from '../../db/schema.js';
import type { ReadRepositories } from '../repositories/index.js';
import type { QuestionTagRow } from '../repositories/question-tags.js';
import type { QuestionDetail, QuestionSummary, Reply } from '../contracts/api.js';
import type { SentimentLabel } from '../domain/sentiment.js';

export const iso = (ms: number) => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

const sentimentOf = (row: { sentimentLabel: SentimentLabel | null; sentimentScore: number | null }) =>
  row.sentimentLabel === null ? null : { label: row.sentimentLabel, score: row.sentimentScore ?? 0 };

export function toQuestionSummary(
  row: QuestionRow,
  tagRows: { slug: string; confidence: number; source: 'rules' | 'model' | 'manual' }[],
  assigneeName: string | null,
  followUp: { text: string; at: number } | null = null,
): QuestionSummary {
  return {
    id: row.id,
    channel: row.channel,
    externalId: row.externalId,
    text: row.text,
    author: { handle: row.authorHandle, name: row.authorName, externalId: row.authorExternalId },
    status: row.status as QuestionSummary['status'],
    tags: tagRows.map((t) => ({ slug: t.slug, confidence: Math.round(t.confidence * 1000) / 1000, source: t.source })),
    assigneeId: row.assigneeId,
    assigneeName,
    priority: row.priority,
    sentiment: sentimentOf(row),
    flag: row.flag,
    dismissReason: row.dismissReason,
    conversationId: row.conversationId,
    inReplyToExternalId: row.inReplyToExternalId,
    lang: row.lang,
    followUp: followUp && { text: followUp.text, at: iso(followUp.at) },
    createdAt: iso(row.createdAt),
    receivedAt: iso(row.receivedAt),
    slaDueAt: iso(row.slaDueAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function toReply(row: ReplyRow, authorName?: string): Reply {
  return {
    id: row.id,
    questionId: row.questionId,
    authorId: row.authorId,
    authorName,
    status: row.status,
    text: row.text,
    preview: row.preview,
    weightedLength: row.weightedLength,
    externalId: row.externalId,
    // The outbox records a reply on a channel nothing delivers for as posted with no id anywhere.
    delivery: row.status !== 'posted' ? null : row.externalId ? 'sent' : 'none',
    feedback: row.feedback,
    failureReason: row.failureReason,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** Past its answer, a question's last customer post is not waiting for anyone. */
const ANSWERED = new Set(['answered', 'closed', 'dismissed']);

export function createPresenters(data: ReadRepositories) {
  /** A customer's post after the question on one still waiting for its answer: what the expert answers now. */
  async function followUps(rows: QuestionRow[]): Promise<Map<string, { text: string; at: number }>> {
    const waiting = rows.filter((r) => !ANSWERED.has(r.status));
    if (waiting.length === 0) return new Map();
    const byId = new Map(waiting.map((r) => [r.id, r]));
    const found = new Map<string, { text: string; at: number }>();
    for (const m of await data.messages.lastOf([...byId.keys()])) {
      const row = byId.get(m.questionId);
      if (row && m.direction === 'in' && m.externalId !== row.externalId && m.at >= row.createdAt)
        found.set(m.questionId, { text: m.text, at: m.at });
    }
    return found;
  }

  const names = (ids: (string | null)[]) => data.names.of(ids);

  async function summaries(rows: QuestionRow[]): Promise<QuestionSummary[]> {
    if (rows.length === 0) return [];
    const [tagRows, assignees, later] = await Promise.all([
      data.questionTags.ofMany(rows.map((r) => r.id)),
      names(rows.map((r) => r.assigneeId)),
      followUps(rows),
    ]);
    const tagsByQuestion = new Map<string, QuestionTagRow[]>();
    for (const tag of tagRows) {
      const list = tagsByQuestion.get(tag.questionId) ?? [];
      list.push(tag);
      tagsByQuestion.set(tag.questionId, list);
    }
    return rows.map((row) =>
      toQuestionSummary(
        row,
        tagsByQuestion.get(row.id) ?? [],
        row.assigneeId ? (assignees.get(row.assigneeId) ?? null) : null,
        later.get(row.id) ?? null,
      ),
    );
  }

  async function summary(row: QuestionRow): Promise<QuestionSummary> {
    const [rendered] = await summaries([row]);
    if (!rendered) throw new Error('a summary of one row renders one summary');
    return rendered;
  }

  return {
    names,
    summaries,
    summary,
    async summaryById(id: string): Promise<QuestionSummary | null> {
      const row = await data.questions.byId(id);
      return row ? summary(row) : null;
    },
    async reply(row: ReplyRow): Promise<Reply> {
      return toReply(row, (await names([row.authorId])).get(row.authorId));
    },
    /**
     * The whole record, for managers (`viewerId` null). An expert sees the public thread and their own part in it:
     * their offers and replies and others' posted ones — not colleagues' drafts, review feedback or routing scores.
     */
    async detail(row: QuestionRow, viewerId: string | null): Promise<QuestionDetail> {
      const [allOffers, allReplies, allEvents, messageRows, head] = await Promise.all([
        data.offers.ofQuestion(row.id),
        data.replies.ofQuestion(row.id),
        data.auditLog.ofQuestion(row.id),
        data.messages.ofQuestion(row.id),
        summary(row),
      ]);
      allOffers.sort((a, b) => a.wave - b.wave || b.score - a.score);
      const offerRows = viewerId === null ? allOffers : allOffers.filter((o) => o.expertId === viewerId);
      const replyRows =
        viewerId === null ? allReplies : allReplies.filter((r) => r.authorId === viewerId || r.status === 'posted');
      const shownReplies = new Set(replyRows.map((r) => r.id));
      const hiddenReply = (data: unknown) => {
        const replyId = (data as { replyId?: unknown } | null)?.replyId;
        return typeof replyId === 'string' && !shownReplies.has(replyId);
      };
      const eventRows = viewerId === null ? allEvents : allEvents.filter((e) => !hiddenReply(e.data));
      const people = await names([...offerRows.map((o) => o.expertId), ...replyRows.map((r) => r.authorId)]);
      return {
        ...head,
        offers: offerRows.map((o) => ({
          expertId: o.expertId,
          expertName: people.get(o.expertId),
          score: Math.round(o.score * 1000) / 1000,
          reasons: o.reasons,
          wave: o.wave,
          state: o.state,
          createdAt: iso(o.createdAt),
          expiresAt: iso(o.expiresAt),
        })),
        replies: replyRows.map((r) => toReply(r, people.get(r.authorId))),
        events: eventRows.map((e) => ({
          id: String(e.id),
          type: e.type,
          actorId: e.actorId,
          data: e.data,
          at: iso(e.at),
        })),
        thread: [
          {
            id: row.id,
            direction: 'in' as const,
            externalId: row.externalId,
            text: row.text,
            authorHandle: row.authorHandle,
            at: iso(row.createdAt),
            sentiment: sentimentOf(row),
          },
          ...messageRows.map((m) => ({
            id: m.id,
            direction: m.direction,
            externalId: m.externalId,
            text: m.text,
            authorHandle: m.authorHandle,
            at: iso(m.at),
            sentiment: sentimentOf(m),
          })),
        ],
      };
    },
  };
}
export type Presenters = ReturnType<typeof createPresenters>;
