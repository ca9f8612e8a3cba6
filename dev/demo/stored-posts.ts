// What the demo's fakes are put back in step from: every post Helpforce's database holds for one network, the
// questions and, in thread order, the customers' follow-ups and the brand's replies (dev/demo/fake-x-sync.ts,
// dev/demo/fake-social-sync.ts).
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { messages, questions } from '../../db/schema.js';

export type QuestionRow = typeof questions.$inferSelect;
export interface ThreadPost {
  externalId: string;
  direction: 'in' | 'out';
  text: string;
  authorHandle: string | null;
  at: number;
  /** The post it answers: the one before it in its thread (the brand the customer, a follow-up the brand). */
  inReplyTo: string;
  root: QuestionRow;
}

/** The channel's questions and the messages of their threads with an external id, each after the one it answers. */
export function storedPosts(
  db: Db,
  channel: string,
  isId: (id: string) => boolean,
  byAge: (a: ThreadPost, b: ThreadPost) => number,
) {
  const roots = db
    .select()
    .from(questions)
    .where(eq(questions.channel, channel))
    .all()
    .filter((q) => isId(q.externalId));
  const rootOf = new Map(roots.map((q) => [q.id, q]));
  const thread = db
    .select({
      questionId: messages.questionId,
      direction: messages.direction,
      externalId: messages.externalId,
      text: messages.text,
      authorHandle: messages.authorHandle,
      at: messages.at,
    })
    .from(messages)
    .innerJoin(questions, eq(questions.id, messages.questionId))
    .where(and(eq(questions.channel, channel), isNotNull(messages.externalId)))
    .all()
    .flatMap((m) => {
      const root = rootOf.get(m.questionId);
      return root && m.externalId && isId(m.externalId)
        ? [{ ...m, externalId: m.externalId, root, inReplyTo: root.externalId }]
        : [];
    })
    .sort(byAge);
  const latestIn = new Map(roots.map((q) => [q.id, q.externalId]));
  for (const post of thread) {
    post.inReplyTo = latestIn.get(post.root.id) ?? post.root.externalId;
    latestIn.set(post.root.id, post.externalId);
  }
  return { roots, thread };
}

/** Orders numeric ids (X's and Mastodon's) of any length as numbers. */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
