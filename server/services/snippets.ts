// Snippets: canned responses per tag that experts start a reply from. Managers write them, or save an approved
// answer as one; `uses` counts how often experts picked each, so the useful ones float to the top. A saved answer
// keeps `{customer}` and `{name}` where it named its customer: reused as it was, it would address a stranger.
import type { CreateSnippetBody, Snippet, User } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { toTemplate, unknownPlaceholders } from '../domain/snippet-variables.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { Unit, UnitOfWork } from '../events/unit-of-work.js';
import type { ReadRepositories } from '../repositories/index.js';
import type { SnippetWithAuthor } from '../repositories/snippets.js';
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

interface Deps {
  data: Pick<ReadRepositories, 'snippets'>;
  uow: UnitOfWork;
  clock: Clock;
}

const toSnippet = ({ snippet, createdByName }: SnippetWithAuthor): Snippet => ({
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

export function createSnippetService({ data, uow, clock }: Deps) {
  async function load(unit: Unit, id: string): Promise<Snippet> {
    const row = await unit.snippets.byId(id);
    if (!row) throw notFound('Snippet');
    return toSnippet(row);
  }

  // A tag is looked up in the unit that files a snippet under it, so a tag deleted meanwhile cannot end up holding one.
  async function checkTag(unit: Unit, tag: string | null | undefined) {
    if (tag && !(await unit.tags.bySlug(tag))) throw invalid('unknown_tag', `Unknown tag: ${tag}`);
  }

  async function fromReply(unit: Unit, replyId: string): Promise<{ title: string; text: string; tag: string | null }> {
    const saved = await unit.snippets.answerToSave(replyId);
    if (!saved) throw notFound('Reply');
    const { reply, question, topTag } = saved;
    if (reply.status !== 'approved' && reply.status !== 'posted')
      throw conflict('not_approved', 'Only an approved answer can be saved as a snippet');
    if (!question) throw notFound('Question');
    const text = toTemplate(reply.text, question);
    const unknown = unknownPlaceholders(text);
    if (unknown.length > 0)
      throw invalid(
        'unknown_placeholder',
        `The answer holds ${unknown.join(', ')}, which a snippet would send as written: save it with your own text`,
      );
    return {
      title: titleFrom(question.text),
      text,
      tag: topTag && (await unit.tags.bySlug(topTag)) ? topTag : null,
    };
  }

  return {
    /** Snippets for the given tags (a comma-separated list) plus the general ones; every snippet without a filter. */
    async list(query: { tag?: string }): Promise<Snippet[]> {
      const wanted = (query.tag ?? '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
      return (await data.snippets.forTags(wanted, 500)).map(toSnippet);
    },

    async create(manager: User, body: CreateSnippetBody): Promise<Snippet> {
      return uow.run(async (unit) => {
        const base = body.fromReplyId
          ? await fromReply(unit, body.fromReplyId)
          : { title: body.title!, text: body.text!, tag: null };
        const tag = body.tag !== undefined ? body.tag : base.tag;
        await checkTag(unit, tag);
        const now = clock.now();
        const row = await unit.snippets.insert({
          id: newId(now),
          tag,
          title: body.title ?? base.title,
          text: base.text,
          createdBy: manager.id,
          createdAt: now,
          updatedAt: now,
        });
        return load(unit, row.id);
      });
    },

    async update(id: string, patch: Partial<Pick<Snippet, 'title' | 'text' | 'tag'>>): Promise<Snippet> {
      return uow.run(async (unit) => {
        await checkTag(unit, patch.tag);
        if (!(await unit.snippets.update(id, { ...patch, updatedAt: clock.now() }))) throw notFound('Snippet');
        return load(unit, id);
      });
    },

    async remove(id: string): Promise<void> {
      await uow.run(async (unit) => {
        if (!(await unit.snippets.remove(id))) throw notFound('Snippet');
      });
    },

    /** An expert inserted the snippet into a reply. */
    async use(id: string): Promise<Snippet> {
      return uow.run(async (unit) => {
        if (!(await unit.snippets.countUse(id))) throw notFound('Snippet');
        return load(unit, id);
      });
    },
  };
}
export type SnippetService = ReturnType<typeof createSnippetService>;
