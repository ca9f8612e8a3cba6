// Rows → API shapes. Batch loaders take many question ids at once so lists never query per row.
import { asc, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  events,
  messages,
  offers,
  questions,
  type questionTags,
  replies,
  users,
  type QuestionRow,
  type ReplyRow,
} from '../../db/schema.js';
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

type TagRow = typeof questionTags.$inferSelect;
type LastMessage = { questionId: string; direction: 'in' | 'out'; externalId: string | null; text: string; at: number };
/** Past its answer, a question's last customer post is not waiting for anyone. */
const ANSWERED = new Set(['answered', 'closed', 'dismissed']);

export function createPresenters(db: Db) {
  // Every ingest, offer and claim renders summaries, so the two lookups behind them are prepared once: one id is the
  // common case, a JSON array of ids the batch one.
  const sqlite = db.$client;
  const tagColumns = 'question_id questionId, slug, confidence, source';
  const statements = {
    name: sqlite.prepare<[string], { id: string; name: string }>('select id, name from users where id = ?'),
    names: sqlite.prepare<[string], { id: string; name: string }>(
      'select id, name from users where id in (select value from json_each(?))',
    ),
    tags: sqlite.prepare<[string], TagRow>(
      `select ${tagColumns} from question_tags where question_id = ? order by confidence desc`,
    ),
    tagsOfMany: sqlite.prepare<[string], TagRow>(
      `select ${tagColumns} from question_tags where question_id in (select value from json_each(?)) order by confidence desc`,
    ),
    // Each question's last message, one probe of messages_question apiece.
    lastMessages: sqlite.prepare<[string], LastMessage>(
      `select m.question_id questionId, m.direction, m.external_id externalId, m.text, m.at from messages m
       where m.question_id in (select value from json_each(?))
         and m.at = (select max(at) from messages where question_id = m.question_id)`,
    ),
  };

  /** A customer's post after the question on one still waiting for its answer: what the expert answers now. */
  function followUps(rows: QuestionRow[]): Map<string, { text: string; at: number }> {
    const waiting = rows.filter((r) => !ANSWERED.has(r.status));
    if (waiting.length === 0) return new Map();
    const byId = new Map(waiting.map((r) => [r.id, r]));
    const found = new Map<string, { text: string; at: number }>();
    for (const m of statements.lastMessages.all(JSON.stringify([...byId.keys()]))) {
      const row = byId.get(m.questionId);
      if (row && m.direction === 'in' && m.externalId !== row.externalId && m.at >= row.createdAt)
        found.set(m.questionId, { text: m.text, at: m.at });
    }
    return found;
  }

  const names = (ids: (string | null)[]) => {
    const wanted = [...new Set(ids.filter((id): id is string => !!id))];
    if (wanted.length === 0) return new Map<string, string>();
    const rows = wanted.length === 1 ? statements.name.all(wanted[0]!) : statements.names.all(JSON.stringify(wanted));
    return new Map(rows.map((u) => [u.id, u.name]));
  };

  function summaries(rows: QuestionRow[]): QuestionSummary[] {
    if (rows.length === 0) return [];
    const tagRows =
      rows.length === 1
        ? statements.tags.all(rows[0]!.id)
        : statements.tagsOfMany.all(JSON.stringify(rows.map((r) => r.id)));
    const tagsByQuestion = new Map<string, TagRow[]>();
    for (const tag of tagRows) {
      const list = tagsByQuestion.get(tag.questionId) ?? [];
      list.push(tag);
      tagsByQuestion.set(tag.questionId, list);
    }
    const assignees = names(rows.map((r) => r.assigneeId));
    const later = followUps(rows);
    return rows.map((row) =>
      toQuestionSummary(
        row,
        tagsByQuestion.get(row.id) ?? [],
        row.assigneeId ? (assignees.get(row.assigneeId) ?? null) : null,
        later.get(row.id) ?? null,
      ),
    );
  }

  return {
    names,
    summaries,
    summary(row: QuestionRow): QuestionSummary {
      return summaries([row])[0]!;
    },
    summaryById(id: string): QuestionSummary | null {
      const row = db.select().from(questions).where(eq(questions.id, id)).get();
      return row ? summaries([row])[0]! : null;
    },
    reply(row: ReplyRow): Reply {
      return toReply(row, names([row.authorId]).get(row.authorId));
    },
    /**
     * The whole record, for managers (`viewerId` null). An expert sees the public thread and their own part in it:
     * their offers and replies and others' posted ones — not colleagues' drafts, review feedback or routing scores.
     */
    detail(row: QuestionRow, viewerId: string | null): QuestionDetail {
      const allOffers = db
        .select()
        .from(offers)
        .where(eq(offers.questionId, row.id))
        .orderBy(asc(offers.wave), desc(offers.score))
        .all();
      const allReplies = db
        .select()
        .from(replies)
        .where(eq(replies.questionId, row.id))
        .orderBy(asc(replies.createdAt))
        .all();
      const allEvents = db.select().from(events).where(eq(events.questionId, row.id)).orderBy(asc(events.id)).all();
      const offerRows = viewerId === null ? allOffers : allOffers.filter((o) => o.expertId === viewerId);
      const replyRows =
        viewerId === null ? allReplies : allReplies.filter((r) => r.authorId === viewerId || r.status === 'posted');
      const shownReplies = new Set(replyRows.map((r) => r.id));
      const hiddenReply = (data: unknown) => {
        const replyId = (data as { replyId?: unknown } | null)?.replyId;
        return typeof replyId === 'string' && !shownReplies.has(replyId);
      };
      const eventRows = viewerId === null ? allEvents : allEvents.filter((e) => !hiddenReply(e.data));
      const messageRows = db
        .select()
        .from(messages)
        .where(eq(messages.questionId, row.id))
        .orderBy(asc(messages.at))
        .all();
      const people = names([...offerRows.map((o) => o.expertId), ...replyRows.map((r) => r.authorId)]);
      return {
        ...summaries([row])[0]!,
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
