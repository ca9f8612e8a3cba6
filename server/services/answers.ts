// Similar past answers: an in-memory TF-IDF index of every approved or posted reply (with its question's text),
// rebuilt from the database at start and extended each time a reply is approved.
import type { ReplyRow } from '../../db/schema.js';
import type { SimilarAnswer, User } from '../contracts/api.js';
import { createAnswerIndex } from '../domain/answer-index.js';
import type { ReadRepositories } from '../repositories/index.js';
import type { QuestionAccess } from './question-access.js';
import { iso } from './presenters.js';

/**
 * Below this cosine a past answer is more often noise than help (`npm run eval:similar`, docs/architecture.md): an
 * expert shown an unrelated answer may paste it, so nothing is shown rather than the least bad match.
 */
export const MIN_SIMILARITY = 0.4;

interface Deps {
  data: Pick<ReadRepositories, 'answers'>;
  access: QuestionAccess;
}

export function createAnswerService({ data, access }: Deps) {
  const index = createAnswerIndex();
  let building: Promise<number> = Promise.resolve(0);
  let stopped = false;
  const document = (reply: Pick<ReplyRow, 'id' | 'questionId' | 'text'>, questionText: string) => ({
    id: reply.id,
    group: reply.questionId,
    text: `${questionText}\n${reply.text}`,
  });

  async function queryText(questionId: string, text: string): Promise<string> {
    return [text, ...(await data.answers.followUps(questionId))].join('\n');
  }

  async function hydrate(replyIds: string[]): Promise<Map<string, Omit<SimilarAnswer, 'score'>>> {
    const { answers, tags } = await data.answers.reusable(replyIds);
    return new Map(
      answers.map(({ reply, questionText, customer, authorName }) => [
        reply.id,
        {
          questionId: reply.questionId,
          replyId: reply.id,
          questionText,
          replyText: reply.text,
          customer,
          authorName,
          postedAt: reply.postedAt ? iso(reply.postedAt) : null,
          tags: tags
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
        while (!stopped) {
          const page = await data.answers.reusablePage(after, pageSize);
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

    async indexReply(reply: ReplyRow): Promise<void> {
      const questionText = await data.answers.questionText(reply.questionId);
      if (questionText !== undefined) index.add(document(reply, questionText));
    },

    async similar(user: User, questionId: string, limit: number): Promise<SimilarAnswer[]> {
      const question = await access.visible(user, questionId);
      const matches = index.search(await queryText(question.id, question.text), {
        limit: limit * 2,
        excludeGroups: [question.id],
      });
      const found = await hydrate(matches.map((m) => m.id));
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
