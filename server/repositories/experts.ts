// Expert profiles and skills, and what the roster reads about each expert from elsewhere: whether the account is
// active, the questions they hold, their replies' outcomes and timing, their push devices and their recent offers.
import { and, count, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  expertProfiles,
  expertSkills,
  offers,
  pushSubscriptions,
  questions,
  replies,
  tags,
  users,
  type ProfileRow,
} from '../../db/schema.js';

/** The statuses in which a question counts towards its holder's load. */
export const HELD_STATUSES = ['claimed', 'in_review'] as const;

export interface Skill {
  tag: string;
  level: number;
}
export type NewProfile = Omit<typeof expertProfiles.$inferInsert, 'updatedAt'>;
export type ProfileFields = Partial<Omit<ProfileRow, 'userId' | 'updatedAt' | 'simulated'>>;
/** Replies of one author in one status. */
export interface ReplyCount {
  authorId: string;
  status: string;
  n: number;
}
/** Time from claiming a question to submitting a reply to it (ms). */
export interface ReplyDelay {
  authorId: string;
  ms: number;
}
/** Everything the router holds about one expert, read together. */
export interface RoutingState {
  profile: ProfileRow;
  active: boolean;
  skills: Skill[];
  load: number;
  replyCounts: ReplyCount[];
  replyDelays: ReplyDelay[];
  pushable: boolean;
}

export function createExpertRepository(db: Db) {
  const profile = (userId: string): ProfileRow | undefined =>
    db.select().from(expertProfiles).where(eq(expertProfiles.userId, userId)).get();

  function skillsOf(userIds: string[]): Map<string, Skill[]> {
    const bySkill = new Map<string, Skill[]>();
    if (userIds.length === 0) return bySkill;
    for (const s of db.select().from(expertSkills).where(inArray(expertSkills.userId, userIds)).all()) {
      const list = bySkill.get(s.userId) ?? [];
      list.push({ tag: s.tag, level: s.level });
      bySkill.set(s.userId, list);
    }
    return bySkill;
  }

  const isActive = (userId: string) =>
    db.select({ active: users.active }).from(users).where(eq(users.id, userId)).get()?.active === true;

  function heldCounts(userIds?: string[]): Map<string, number> {
    const conditions = [inArray(questions.status, [...HELD_STATUSES])];
    if (userIds) conditions.push(inArray(questions.assigneeId, userIds));
    const rows = db
      .select({ id: questions.assigneeId, n: count() })
      .from(questions)
      .where(and(...conditions))
      .groupBy(questions.assigneeId)
      .all();
    return new Map(rows.flatMap((r) => (r.id === null ? [] : [[r.id, r.n] as const])));
  }

  const replyCounts = (userIds?: string[]): ReplyCount[] =>
    db
      .select({ authorId: replies.authorId, status: replies.status, n: count() })
      .from(replies)
      .where(userIds ? inArray(replies.authorId, userIds) : undefined)
      .groupBy(replies.authorId, replies.status)
      .all();

  const replyDelays = (userIds: string[]): ReplyDelay[] =>
    db
      .select({ authorId: replies.authorId, ms: sql<number>`${replies.createdAt} - ${questions.claimedAt}` })
      .from(replies)
      .innerJoin(questions, eq(questions.id, replies.questionId))
      .where(and(inArray(replies.authorId, userIds), sql`${questions.claimedAt} is not null`))
      .all();

  const withPushDevices = (userIds?: string[]): string[] =>
    db
      .selectDistinct({ id: pushSubscriptions.userId })
      .from(pushSubscriptions)
      .where(userIds ? inArray(pushSubscriptions.userId, userIds) : undefined)
      .all()
      .map((r) => r.id);

  return {
    read: {
      async profile(userId: string): Promise<ProfileRow | undefined> {
        return profile(userId);
      },
      async skillsOf(userIds: string[]): Promise<Map<string, Skill[]>> {
        return skillsOf(userIds);
      },
      async isActive(userId: string): Promise<boolean> {
        return isActive(userId);
      },
      /** The profiles of every active account: the routing roster. */
      async activeProfiles(): Promise<ProfileRow[]> {
        return db
          .select({ profile: expertProfiles })
          .from(expertProfiles)
          .innerJoin(users, eq(users.id, expertProfiles.userId))
          .where(eq(users.active, true))
          .all()
          .map((r) => r.profile);
      },
      /** The roster as people see it: active experts with their names, by name. */
      async activeDirectory(): Promise<{ profile: ProfileRow; user: { id: string; name: string; email: string } }[]> {
        return db
          .select({ profile: expertProfiles, user: { id: users.id, name: users.name, email: users.email } })
          .from(expertProfiles)
          .innerJoin(users, eq(users.id, expertProfiles.userId))
          .where(eq(users.active, true))
          .orderBy(users.name)
          .all();
      },
      /** Questions held (claimed or in review) per expert: of these experts, or of everyone. */
      async heldCounts(userIds?: string[]): Promise<Map<string, number>> {
        return heldCounts(userIds);
      },
      /** Replies per author and status: of these authors, or of everyone. */
      async replyCounts(userIds?: string[]): Promise<ReplyCount[]> {
        return replyCounts(userIds);
      },
      async replyDelays(userIds: string[]): Promise<ReplyDelay[]> {
        return replyDelays(userIds);
      },
      /** Who has a device subscribed to push: of these users, or everyone. */
      async withPushDevices(userIds?: string[]): Promise<string[]> {
        return withPushDevices(userIds);
      },
      /** Offers made per expert since a time (ms). */
      async offerCountsSince(since: number): Promise<Map<string, number>> {
        return new Map(
          db
            .select({ id: offers.expertId, n: count() })
            .from(offers)
            .where(gte(offers.createdAt, since))
            .groupBy(offers.expertId)
            .all()
            .map((r) => [r.id, r.n]),
        );
      },
      /** Which of these tag slugs name a tag. */
      async existingTags(slugs: string[]): Promise<string[]> {
        if (slugs.length === 0) return [];
        return db
          .select({ slug: tags.slug })
          .from(tags)
          .where(inArray(tags.slug, slugs))
          .all()
          .map((t) => t.slug);
      },
      /**
       * One expert's routing state in one call: the roster refreshes an expert after every claim, release and review,
       * and the router must hold the new state before the change's caller goes on (see services/experts.ts).
       */
      async routingState(userId: string): Promise<RoutingState | undefined> {
        const row = profile(userId);
        if (!row) return undefined;
        return {
          profile: row,
          active: isActive(userId),
          skills: skillsOf([userId]).get(userId) ?? [],
          load: heldCounts([userId]).get(userId) ?? 0,
          replyCounts: replyCounts([userId]),
          replyDelays: replyDelays([userId]),
          pushable: withPushDevices([userId]).length > 0,
        };
      },
    },
    write: {
      /** A profile for an account that has none; one created meanwhile is kept. */
      async insertProfile(values: NewProfile, now: number): Promise<void> {
        db.insert(expertProfiles)
          .values({ ...values, updatedAt: now })
          .onConflictDoNothing()
          .run();
      },
      async updateProfile(userId: string, fields: ProfileFields, now: number): Promise<void> {
        db.update(expertProfiles)
          .set({ ...fields, updatedAt: now })
          .where(eq(expertProfiles.userId, userId))
          .run();
      },
      /** The expert's skills become these (one level per tag: the last given wins). */
      async replaceSkills(userId: string, skills: Skill[]): Promise<void> {
        const unique = new Map(skills.map((s) => [s.tag, s.level]));
        db.transaction((tx) => {
          tx.delete(expertSkills).where(eq(expertSkills.userId, userId)).run();
          if (unique.size > 0)
            tx.insert(expertSkills)
              .values([...unique].map(([tag, level]) => ({ userId, tag, level })))
              .run();
        });
      },
    },
  };
}
