// Snippets: canned responses per tag that experts start a reply from. Managers write them, or save an approved
// answer as one; `uses` counts how often experts picked each, so the useful ones float to the top. A saved answer
// keeps `{customer}` and `{name}` where it named its customer: reused as it was, it would address a stranger.
import { desc, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { questions, questionTags, replies, snippets, users, type SnippetRow } from '../../db/schema.js';
import type { CreateSnippetBody, Snippet, User } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { toTemplate, unknownPlaceholders } from '../domain/snippet-variables.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { TagService } from './tags.js';
import { iso } from './presenters.js';

const TITLE_LENGTH = 80;

export function titleFrom(questionText: string): string {
  const plain = questionText
    .replace(/(^|\s)@\w+/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length <= TITLE_LENGTH ? plain || 'Saved answer' : `${plain.slice(0, TITLE_LENGTH - 1).trimEnd()}…`;
}

export function createSnippetService({ db, clock, tags }: { db: Db; clock: Clock; tags: TagService }) {
  const selection = { snippet: snippets, createdByName: users.name };
  const toSnippet = ({ snippet, createdByName }: { snippet: SnippetRow; createdByName: string | null }): Snippet => ({
    id: snippet.id,
    tag: snippet.tag,
    title: snippet.title,
    text: snippet.text,
    createdBy: snippet.createdBy,
    createdByName,
    createdAt: iso(snippet.createdAt),
    updatedAt: iso(snippet.updatedAt),
    uses: snippet.uses,
  });

  function load(id: string): Snippet {
    const row = db
      .select(selection)
      .from(snippets)
      .leftJoin(users, eq(users.id, snippets.createdBy))
      .where(eq(snippets.id, id))
      .get();
    if (!row) throw notFound('Snippet');
    return toSnippet(row);
  }

  function checkTag(tag: string | null | undefined) {
    if (tag && !tags.exists(tag)) throw invalid('unknown_tag', `Unknown tag: ${tag}`);
  }

  function fromReply(replyId: string): { title: string; text: string; tag: string | null } {
    const reply = db.select().from(replies).where(eq(replies.id, replyId)).get();
    if (!reply) throw notFound('Reply');
    if (reply.status !== 'approved' && reply.status !== 'posted')
      throw conflict('not_approved', 'Only an approved answer can be saved as a snippet');
    const question = db
      .select({ text: questions.text, handle: questions.authorHandle, name: questions.authorName })
      .from(questions)
      .where(eq(questions.id, reply.questionId))
      .get();
    if (!question) throw notFound('Question');
    const text = toTemplate(reply.text, question);
    const unknown = unknownPlaceholders(text);
    if (unknown.length > 0)
      throw invalid(
        'unknown_placeholder',
        `The answer holds ${unknown.join(', ')}, which a snippet would send as written: save it with your own text`,
      );
    const topTag = db
      .select({ slug: questionTags.slug })
      .from(questionTags)
      .where(eq(questionTags.questionId, reply.questionId))
      .orderBy(desc(questionTags.confidence))
      .get();
    return {
      title: titleFrom(question.text),
      text,
      tag: topTag && tags.exists(topTag.slug) ? topTag.slug : null,
    };
  }

  return {
    /** Snippets for the given tags (a comma-separated list) plus the general ones; every snippet without a filter. */
    list(query: { tag?: string }): Snippet[] {
      const wanted = (query.tag ?? '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
      const where = wanted.length > 0 ? or(inArray(snippets.tag, wanted), isNull(snippets.tag)) : undefined;
      return db
        .select(selection)
        .from(snippets)
        .leftJoin(users, eq(users.id, snippets.createdBy))
        .where(where)
        .orderBy(desc(snippets.uses), asc(snippets.title))
        .limit(500)
        .all()
        .map(toSnippet);
    },

    create(manager: User, body: CreateSnippetBody): Snippet {
      const base = body.fromReplyId ? fromReply(body.fromReplyId) : { title: body.title!, text: body.text!, tag: null };
      const tag = body.tag !== undefined ? body.tag : base.tag;
      checkTag(tag);
      const now = clock.now();
      const row = db
        .insert(snippets)
        .values({
          id: newId(now),
          tag,
          title: body.title ?? base.title,
          text: base.text,
          createdBy: manager.id,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
      return load(row.id);
    },

    update(id: string, patch: Partial<Pick<Snippet, 'title' | 'text' | 'tag'>>): Snippet {
      checkTag(patch.tag);
      const row = db
        .update(snippets)
        .set({ ...patch, updatedAt: clock.now() })
        .where(eq(snippets.id, id))
        .returning()
        .get();
      if (!row) throw notFound('Snippet');
      return load(id);
    },

    remove(id: string): void {
      if (!db.delete(snippets).where(eq(snippets.id, id)).returning({ id: snippets.id }).get())
        throw notFound('Snippet');
    },

    /** An expert inserted the snippet into a reply. */
    use(id: string): Snippet {
      if (
        !db
          .update(snippets)
          .set({ uses: sql`${snippets.uses} + 1` })
          .where(eq(snippets.id, id))
          .returning({ id: snippets.id })
          .get()
      )
        throw notFound('Snippet');
      return load(id);
    },
  };
}
export type SnippetService = ReturnType<typeof createSnippetService>;
