// Experts on PostgreSQL: the same reads and writes as ../experts.ts, over db/pg/schema.ts.
import { and, count, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import {
  expertProfiles,
  expertSkills,
  offers,
  pushSubscriptions,
  questions,
  replies,
  tags,
  users,
} from '../../../db/pg/schema.js';
import {
  HELD_STATUSES,
  type NewProfile,
  type ProfileFields,
  type ReplyCount,
  type ReplyDelay,
  type Skill,
  type createExpertRepository as sqliteExperts,
} from '../experts.js';

export function createExpertRepository(db: PgDb): ReturnType<typeof sqliteExperts> {
  async function skillsOf(userIds: string[]) {
    const bySkill = new Map<string, Skill[]>();
    if (userIds.length === 0) return bySkill;
    for (const s of await db.select().from(expertSkills).where(inArray(expertSkills.userId, userIds))) {
      const list = bySkill.get(s.userId) ?? [];
      list.push({ tag: s.tag, level: s.level });
      bySkill.set(s.userId, list);
    }
    return bySkill;
  }

  async function heldCounts(userIds?: string[]) {
    const conditions = [inArray(questions.status, [...HELD_STATUSES])];
    if (userIds) conditions.push(inArray(questions.assigneeId, userIds));
    const rows = await db
      .select({ id: questions.assigneeId, n: count() })
      .from(questions)
      .where(and(...conditions))
      .groupBy(questions.assigneeId);
    return new Map(rows.flatMap((r) => (r.id === null ? [] : [[r.id, r.n] as const])));
  }

  // drizzle reads a computed bigint as a string (its own type parsers replace the pool's): mapWith makes it a number.
  const delay = sql<number>`${replies.createdAt} - ${questions.claimedAt}`.mapWith(Number);
  const held = (userId: string) => and(eq(questions.assigneeId, userId), inArray(questions.status, [...HELD_STATUSES]));

  return {
    read: {
      async profile(userId: string) {
        const [row] = await db.select().from(expertProfiles).where(eq(expertProfiles.userId, userId)).limit(1);
        return row;
      },
      skillsOf,
      async isActive(userId: string) {
        const [row] = await db.select({ active: users.active }).from(users).where(eq(users.id, userId)).limit(1);
        return row?.active === true;
      },
      async activeProfiles() {
        const rows = await db
          .select({ profile: expertProfiles })
          .from(expertProfiles)
          .innerJoin(users, eq(users.id, expertProfiles.userId))
          .where(eq(users.active, true));
        return rows.map((r) => r.profile);
      },
      async activeDirectory() {
        return db
          .select({ profile: expertProfiles, user: { id: users.id, name: users.name, email: users.email } })
          .from(expertProfiles)
          .innerJoin(users, eq(users.id, expertProfiles.userId))
          .where(eq(users.active, true))
          .orderBy(users.name);
      },
      heldCounts,
      async replyCounts(userIds?: string[]) {
        return db
          .select({ authorId: replies.authorId, status: replies.status, n: count() })
          .from(replies)
          .where(userIds ? inArray(replies.authorId, userIds) : undefined)
          .groupBy(replies.authorId, replies.status);
      },
      async replyDelays(userIds: string[]) {
        return db
          .select({ authorId: replies.authorId, ms: delay })
          .from(replies)
          .innerJoin(questions, eq(questions.id, replies.questionId))
          .where(and(inArray(replies.authorId, userIds), isNotNull(questions.claimedAt)));
      },
      async withPushDevices(userIds?: string[]) {
        const rows = await db
          .selectDistinct({ id: pushSubscriptions.userId })
          .from(pushSubscriptions)
          .where(userIds ? inArray(pushSubscriptions.userId, userIds) : undefined);
        return rows.map((r) => r.id);
      },
      async offerCountsSince(since: number) {
        const rows = await db
          .select({ id: offers.expertId, n: count() })
          .from(offers)
          .where(gte(offers.createdAt, since))
          .groupBy(offers.expertId);
        return new Map(rows.map((r) => [r.id, r.n]));
      },
      async existingTags(slugs: string[]) {
        if (slugs.length === 0) return [];
        const rows = await db.select({ slug: tags.slug }).from(tags).where(inArray(tags.slug, slugs));
        return rows.map((t) => t.slug);
      },
      // One statement where SQLite makes seven reads: on SQLite they cost no round trip and see one moment; here one
      // statement keeps both, where seven queries would wait seven round trips and could each see a different commit.
      async routingState(userId: string) {
        const skills = sql<Skill[]>`(
          select coalesce(json_agg(json_build_object('tag', ${expertSkills.tag}, 'level', ${expertSkills.level})), '[]')
          from ${expertSkills} where ${expertSkills.userId} = ${userId})`;
        const load = sql<number>`(select count(*) from ${questions} where ${held(userId)})`.mapWith(Number);
        const replyCounts = sql<ReplyCount[]>`(
          select coalesce(json_agg(json_build_object('authorId', ${userId}::text, 'status', c.status, 'n', c.n)), '[]')
          from (
            select ${replies.status} as status, count(*) as n from ${replies}
            where ${replies.authorId} = ${userId} group by ${replies.status}
          ) as c)`;
        const replyDelays = sql<ReplyDelay[]>`(
          select coalesce(json_agg(json_build_object('authorId', ${userId}::text, 'ms', ${delay})), '[]')
          from ${replies} join ${questions} on ${questions.id} = ${replies.questionId}
          where ${replies.authorId} = ${userId} and ${questions.claimedAt} is not null)`;
        const pushable = sql<boolean>`exists (select 1 from ${pushSubscriptions} where ${pushSubscriptions.userId} = ${userId})`;
        const [row] = await db
          .select({
            profile: expertProfiles,
            active: sql<boolean>`coalesce(${users.active}, false)`,
            skills,
            load,
            replyCounts,
            replyDelays,
            pushable,
          })
          .from(expertProfiles)
          .leftJoin(users, eq(users.id, expertProfiles.userId))
          .where(eq(expertProfiles.userId, userId))
          .limit(1);
        return row;
      },
    },
    write: {
      async insertProfile(values: NewProfile, now: number) {
        await db
          .insert(expertProfiles)
          .values({ ...values, updatedAt: now })
          .onConflictDoNothing();
      },
      async updateProfile(userId: string, fields: ProfileFields, now: number) {
        await db
          .update(expertProfiles)
          .set({ ...fields, updatedAt: now })
          .where(eq(expertProfiles.userId, userId));
      },
      async replaceSkills(userId: string, skills: Skill[]) {
        const unique = new Map(skills.map((s) => [s.tag, s.level]));
        // Inside a unit of work this is a savepoint of its transaction.
        await db.transaction(async (tx) => {
          await tx.delete(expertSkills).where(eq(expertSkills.userId, userId));
          if (unique.size > 0)
            await tx.insert(expertSkills).values([...unique].map(([tag, level]) => ({ userId, tag, level })));
        });
      },
    },
  };
}
