// Expert profiles and the live roster. The router keeps an in-memory copy of every expert's routing state (skills,
// availability, load, presence, track record) so that routing never reads the database; this service is the only
// writer of that copy.
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
import type { Expert, Profile } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import type { Router, RoutingExpert } from '../domain/routing/index.js';
import { invalid, notFound } from '../errors.js';
import type { RealtimeHub } from './realtime-hub.js';

export const HELD_STATUSES = ['claimed', 'in_review'] as const;

type ProfileUpdate = Partial<Profile>;

function defaultSignature(name: string): string {
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase())
    .join('')
    .slice(0, 3);
  return initials || 'HF';
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function createExpertService({
  db,
  clock,
  router,
  hub,
}: {
  db: Db;
  clock: Clock;
  router: Router;
  hub: RealtimeHub;
}) {
  function profileRow(userId: string): ProfileRow | undefined {
    return db.select().from(expertProfiles).where(eq(expertProfiles.userId, userId)).get();
  }

  function skillsOf(userIds: string[]) {
    const bySkill = new Map<string, { tag: string; level: number }[]>();
    if (userIds.length === 0) return bySkill;
    for (const s of db.select().from(expertSkills).where(inArray(expertSkills.userId, userIds)).all()) {
      const list = bySkill.get(s.userId) ?? [];
      list.push({ tag: s.tag, level: s.level });
      bySkill.set(s.userId, list);
    }
    return bySkill;
  }

  function toProfile(row: ProfileRow, skills: { tag: string; level: number }[]): Profile {
    return {
      handle: row.handle,
      signature: row.signature,
      skills,
      capacity: row.capacity,
      availability: row.availability,
      generalist: row.generalist,
      schedule: row.schedule ?? null,
      store: row.store,
    };
  }

  function trackRecords(userIds?: string[]) {
    const where = userIds ? inArray(replies.authorId, userIds) : undefined;
    const rows = db
      .select({ authorId: replies.authorId, status: replies.status, n: count() })
      .from(replies)
      .where(where)
      .groupBy(replies.authorId, replies.status)
      .all();
    const records = new Map<string, { approved: number; rejected: number; answered: number }>();
    for (const row of rows) {
      const r = records.get(row.authorId) ?? { approved: 0, rejected: 0, answered: 0 };
      if (row.status === 'approved' || row.status === 'posted') r.approved += row.n;
      if (row.status === 'rejected') r.rejected += row.n;
      if (row.status === 'posted') r.answered += row.n;
      records.set(row.authorId, r);
    }
    return records;
  }

  function loads(userIds?: string[]) {
    const conditions = [inArray(questions.status, [...HELD_STATUSES])];
    if (userIds) conditions.push(inArray(questions.assigneeId, userIds));
    const rows = db
      .select({ id: questions.assigneeId, n: count() })
      .from(questions)
      .where(and(...conditions))
      .groupBy(questions.assigneeId)
      .all();
    return new Map(rows.map((r) => [r.id!, r.n]));
  }

  function replyTimes(userIds: string[]) {
    // Time from claim to the first submitted reply, over each expert's last 50 replies.
    const rows = db
      .select({ authorId: replies.authorId, ms: sql<number>`${replies.createdAt} - ${questions.claimedAt}` })
      .from(replies)
      .innerJoin(questions, eq(questions.id, replies.questionId))
      .where(and(inArray(replies.authorId, userIds), sql`${questions.claimedAt} is not null`))
      .all();
    const byAuthor = new Map<string, number[]>();
    for (const r of rows) {
      const list = byAuthor.get(r.authorId) ?? [];
      if (list.length < 50 && r.ms >= 0) list.push(r.ms);
      byAuthor.set(r.authorId, list);
    }
    return new Map([...byAuthor].map(([id, list]) => [id, median(list)]));
  }

  /** Who can be reached by push (has a subscription): of these users, or everyone's when none are given. */
  function pushable(userIds?: string[]): Set<string> {
    const where = userIds ? inArray(pushSubscriptions.userId, userIds) : undefined;
    return new Set(
      db
        .selectDistinct({ id: pushSubscriptions.userId })
        .from(pushSubscriptions)
        .where(where)
        .all()
        .map((r) => r.id),
    );
  }

  /**
   * What the roster calls online, and the router reachable: an offer can reach them now, through a connected tab or a
   * device subscribed to push (a simulated expert of the demo has one, like anyone away from their desk).
   */
  function reachable(userId: string): boolean {
    return hub.isOnline(userId) || pushable([userId]).has(userId);
  }

  function routingExpert(
    row: ProfileRow,
    skills: { tag: string; level: number }[],
    load: number,
    record?: { approved: number; rejected: number },
    medianReplyMs: number | null = null,
    canPush = false,
  ): RoutingExpert {
    return {
      id: row.userId,
      skills,
      generalist: row.generalist,
      capacity: row.capacity,
      load,
      availability: row.availability,
      schedule: row.schedule ?? null,
      online: hub.isOnline(row.userId),
      pushable: canPush,
      approved: record?.approved ?? 0,
      rejected: record?.rejected ?? 0,
      medianClaimMs: null,
      medianReplyMs,
    };
  }

  /**
   * Skills that name no tag could never match a question. One the expert already has may stay (a tag deleted since:
   * the profile form sends every skill back); a new one must name a tag that exists.
   */
  function unknownTags(userId: string, skills: { tag: string }[]): string[] {
    const held = new Set((skillsOf([userId]).get(userId) ?? []).map((s) => s.tag));
    const added = [...new Set(skills.map((s) => s.tag))].filter((tag) => !held.has(tag));
    if (added.length === 0) return [];
    const known = new Set(
      db
        .select({ slug: tags.slug })
        .from(tags)
        .where(inArray(tags.slug, added))
        .all()
        .map((t) => t.slug),
    );
    return added.filter((tag) => !known.has(tag));
  }

  function isActive(userId: string): boolean {
    return db.select({ active: users.active }).from(users).where(eq(users.id, userId)).get()?.active === true;
  }

  function syncExpert(userId: string) {
    const row = profileRow(userId);
    // A deactivated account leaves the routing roster with its profile kept, and comes back with it when reactivated.
    if (!row || !isActive(userId)) return router.removeExpert(userId);
    router.upsertExpert(
      routingExpert(
        row,
        skillsOf([userId]).get(userId) ?? [],
        loads([userId]).get(userId) ?? 0,
        trackRecords([userId]).get(userId),
        replyTimes([userId]).get(userId) ?? null,
        pushable([userId]).has(userId),
      ),
    );
  }

  return {
    /** Load every active expert into the router (at start). */
    loadRoster(): number {
      const rows = db
        .select({ profile: expertProfiles })
        .from(expertProfiles)
        .innerJoin(users, eq(users.id, expertProfiles.userId))
        .where(eq(users.active, true))
        .all()
        .map((r) => r.profile);
      const ids = rows.map((r) => r.userId);
      const skills = skillsOf(ids);
      const currentLoads = loads();
      const records = trackRecords();
      const reachable = pushable();
      for (const row of rows)
        router.upsertExpert(
          routingExpert(
            row,
            skills.get(row.userId) ?? [],
            currentLoads.get(row.userId) ?? 0,
            records.get(row.userId),
            null,
            reachable.has(row.userId),
          ),
        );
      return rows.length;
    },

    ensureProfile(userId: string, name: string, overrides: Partial<Profile> & { simulated?: boolean } = {}): Profile {
      if (!profileRow(userId)) {
        db.insert(expertProfiles)
          .values({
            userId,
            signature: overrides.signature ?? defaultSignature(name),
            handle: overrides.handle ?? null,
            capacity: overrides.capacity ?? 3,
            availability: overrides.availability ?? 'available',
            generalist: overrides.generalist ?? false,
            schedule: overrides.schedule ?? null,
            store: overrides.store ?? null,
            simulated: overrides.simulated ?? false,
            updatedAt: clock.now(),
          })
          .onConflictDoNothing()
          .run();
        if (overrides.skills) this.updateProfile(userId, { skills: overrides.skills });
        syncExpert(userId);
      }
      return this.getProfile(userId)!;
    },

    hasProfile(userId: string) {
      return profileRow(userId) !== undefined;
    },
    /** Whether the account may act at all (a request authenticated just before a deactivation may still be running). */
    isActive,
    /** An expert who may be given work: a profile, and an account that is not deactivated. */
    isActiveExpert(userId: string) {
      return profileRow(userId) !== undefined && isActive(userId);
    },

    getProfile(userId: string): Profile | null {
      const row = profileRow(userId);
      return row ? toProfile(row, skillsOf([userId]).get(userId) ?? []) : null;
    },

    signatureOf(userId: string): string {
      const row = profileRow(userId);
      if (!row) throw notFound('Expert profile');
      return row.signature;
    },

    updateProfile(userId: string, patch: ProfileUpdate): Profile {
      if (!profileRow(userId)) throw notFound('Expert profile');
      const { skills, ...fields } = patch;
      const unknown = skills ? unknownTags(userId, skills) : [];
      if (unknown.length > 0)
        throw invalid(
          'unknown_tag',
          `No tag ${unknown.map((t) => `"${t}"`).join(', ')}: pick skills from the tags list`,
        );
      db.transaction((tx) => {
        if (Object.keys(fields).length > 0)
          tx.update(expertProfiles)
            .set({ ...fields, updatedAt: clock.now() })
            .where(eq(expertProfiles.userId, userId))
            .run();
        if (skills) {
          tx.delete(expertSkills).where(eq(expertSkills.userId, userId)).run();
          const unique = new Map(skills.map((s) => [s.tag, s.level]));
          if (unique.size > 0)
            tx.insert(expertSkills)
              .values([...unique].map(([tag, level]) => ({ userId, tag, level })))
              .run();
        }
      });
      syncExpert(userId);
      const profile = this.getProfile(userId)!;
      if (patch.availability)
        hub.publish('expert.presence', {
          expertId: userId,
          online: reachable(userId),
          availability: profile.availability,
        });
      return profile;
    },

    /** Re-read one expert's load and record into the router after a claim, release, submit or review. */
    refresh: syncExpert,

    setOnline(userId: string, online: boolean) {
      const row = profileRow(userId);
      if (!row) return;
      router.setOnline(userId, online);
      hub.publish('expert.presence', { expertId: userId, online: reachable(userId), availability: row.availability });
    },

    /** A push subscription was added or removed: whether the expert is reachable without an open tab. */
    pushChanged(userId: string) {
      router.setPushable(userId, pushable([userId]).has(userId));
      const row = profileRow(userId);
      if (row)
        hub.publish('expert.presence', { expertId: userId, online: reachable(userId), availability: row.availability });
    },

    /**
     * Offers this hour against the hourly cap, so an expert who stops getting offers is told why and until when,
     * rather than seeing "available" and nothing. Null when there is no cap or they are not on the roster.
     */
    offerQuota(userId: string): { used: number; max: number; resumesAt: string | null } | null {
      const quota = router.offerQuota(userId, clock.now());
      if (!quota || !Number.isFinite(quota.max)) return null;
      return { ...quota, resumesAt: quota.resumesAt === null ? null : new Date(quota.resumesAt).toISOString() };
    },

    isSimulated(userId: string) {
      return profileRow(userId)?.simulated ?? false;
    },

    list(): Expert[] {
      const rows = db
        .select({ profile: expertProfiles, user: users })
        .from(expertProfiles)
        .innerJoin(users, eq(users.id, expertProfiles.userId))
        .where(eq(users.active, true))
        .orderBy(users.name)
        .all();
      const ids = rows.map((r) => r.user.id);
      const skills = skillsOf(ids);
      const currentLoads = loads();
      const records = trackRecords();
      const times = replyTimes(ids);
      const byPush = pushable(ids);
      const hourAgo = clock.now() - 3600_000;
      const offered = new Map(
        db
          .select({ id: offers.expertId, n: count() })
          .from(offers)
          .where(gte(offers.createdAt, hourAgo))
          .groupBy(offers.expertId)
          .all()
          .map((r) => [r.id, r.n]),
      );
      return rows.map(({ profile, user }) => {
        const record = records.get(user.id) ?? { approved: 0, rejected: 0, answered: 0 };
        const reviewed = record.approved + record.rejected;
        return {
          id: user.id,
          name: user.name,
          email: user.email,
          signature: profile.signature,
          handle: profile.handle,
          skills: skills.get(user.id) ?? [],
          availability: profile.availability,
          online: hub.isOnline(user.id) || byPush.has(user.id),
          load: currentLoads.get(user.id) ?? 0,
          capacity: profile.capacity,
          generalist: profile.generalist,
          store: profile.store,
          stats: {
            answered: record.answered,
            approved: record.approved,
            rejected: record.rejected,
            approvalRate: reviewed > 0 ? record.approved / reviewed : null,
            medianReplyMs: times.get(user.id) ?? null,
            offersLastHour: offered.get(user.id) ?? 0,
          },
        };
      });
    },

    approvedCount(userId: string): number {
      return trackRecords([userId]).get(userId)?.approved ?? 0;
    },
  };
}
export type ExpertService = ReturnType<typeof createExpertService>;
