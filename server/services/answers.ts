// Similar past answers: an in-memory TF-IDF index of every approved or posted reply (with its question's text),
// rebuilt from the database at start and extended each time a reply is approved.
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { messages, questions, questionTags, replies, users, type ReplyRow } from '../../db/schema.js';
import type { SimilarAnswer, User } from '../contracts/api.js';
import { createAnswerIndex } from '../domain/answer-index.js';
import type { QuestionAccess } from './question-access.js';
import { iso } from './presenters.js';

const REUSABLE = ['approved', 'posted'] as const;

/**
 * Below this cosine a past answer is more often noise than help (`npm run eval:similar`, docs/architecture.md): an
 * expert shown an unrelated answer may paste it, so nothing is shown rather than the least bad match.
 */
export const MIN_SIMILARITY = 0.4;

export function createAnswerService({ db, access }: { db: Db; access: QuestionAccess }) {
  const index = createAnswerIndex();
  const statements = {
    page: db.$client.prepare<[string, number], Pick<ReplyRow, 'id' | 'questionId' | 'text'> & { questionText: string }>(
      // Walks the replies in id order (the unary + keeps SQLite off the status index, which would sort every page).
      `select r.id id, r.question_id questionId, r.text text, q.text questionText from replies r join questions q on q.id = r.question_id
       where r.id > ? and +r.status in (${REUSABLE.map((status) => `'${status}'`).join(', ')}) order by r.id limit ?`,
    ),
  };
  let building: Promise<number> = Promise.resolve(0);
  let stopped = false;
  const document = (reply: Pick<ReplyRow, 'id' | 'questionId' | 'text'>, questionText: string) => ({
    id: reply.id,
    group: reply.questionId,
    text: `${questionText}\n${reply.text}`,
  });

  function queryText(questionId: string, text: string): string {
    const followUps = db
      .select({ text: messages.text })
      .from(messages)
      .where(and(eq(messages.questionId, questionId), eq(messages.direction, 'in')))
      .orderBy(asc(messages.at))
      .all();
    return [text, ...followUps.map((m) => m.text)].join('\n');
  }

  function hydrate(replyIds: string[]) {
    if (replyIds.length === 0) return new Map<string, Omit<SimilarAnswer, 'score'>>();
    const rows = db
      .select({
        reply: replies,
        questionText: questions.text,
        customer: { handle: questions.authorHandle, name: questions.authorName },
        authorName: users.name,
      })
      .from(replies)
      .innerJoin(questions, eq(questions.id, replies.questionId))
      .innerJoin(users, eq(users.id, replies.authorId))
      .where(and(inArray(replies.id, replyIds), inArray(replies.status, [...REUSABLE])))
      .all();
    const tagRows =
      rows.length === 0
        ? []
        : db
            .select()
            .from(questionTags)
            .where(
              inArray(
                questionTags.questionId,
                rows.map((r) => r.reply.questionId),
              ),
            )
            .all();
    return new Map(
      rows.map(({ reply, questionText, customer, authorName }) => [
        reply.id,
        {
          questionId: reply.questionId,
          replyId: reply.id,
          questionText,
          replyText: reply.text,
          customer,
          authorName,
          postedAt: reply.postedAt ? iso(reply.postedAt) : null,
          tags: tagRows
            .filter((t) => t.questionId === reply.questionId)
            .sort((a, b) => b.confidence - a.confidence)
            .map((t) => t.slug),
        },
      ]),
    );
  }

  return {
    /**
     * Index every reusable answer in the database (at start), a page at a time with the event loop free between pages:
     * on a large history indexing takes a while (docs/architecture.md#why-some-rules-are-so), the server serves
     * meanwhile, and similar answers come from the part indexed so far. Answers approved meanwhile are indexed as
     * usual; a page that meets one again replaces it with itself.
     */
    rebuild(pageSize = 250): Promise<number> {
      stopped = false;
      building = (async () => {
        let after = '';
        while (!stopped && db.$client.open) {
          const page = statements.page.all(after, pageSize);
          for (const row of page) index.add(document(row, row.questionText));
          if (page.length < pageSize) break;
          after = page[page.length - 1]!.id;
          await new Promise((resolve) => setImmediate(resolve));
        }
        return index.size;
      })();
      return building;
    },

    /** The rebuild under way (or the last one), for whoever needs the whole history indexed first. */
    built(): Promise<number> {
      return building;
    },

    /** Stops a rebuild between pages (the server is closing). */
    stop(): Promise<number> {
      stopped = true;
      return building;
    },

    indexReply(reply: ReplyRow): void {
      const question = db
        .select({ text: questions.text })
        .from(questions)
        .where(eq(questions.id, reply.questionId))
        .get();
      if (question) index.add(document(reply, question.text));
    },

    similar(user: User, questionId: string, limit: number): SimilarAnswer[] {
      const question = access.visible(user, questionId);
      const matches = index.search(queryText(question.id, question.text), {
        limit: limit * 2,
        excludeGroups: [question.id],
      });
      const found = hydrate(matches.map((m) => m.id));
      for (const match of matches) if (!found.has(match.id)) index.remove(match.id);
      return matches
        .filter((m) => found.has(m.id) && m.score >= MIN_SIMILARITY)
        .slice(0, limit)
        .map((m) => ({ ...found.get(m.id)!, score: Math.round(m.score * 1000) / 1000 }));
    },

    get size() {
      return index.size;
    },
  };
}
export type AnswerService = ReturnType<typeof createAnswerService>;
