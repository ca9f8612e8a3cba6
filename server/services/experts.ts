// Expert profiles and the live roster. The router keeps an in-memory copy of every expert's routing state (skills,
// availability, load, presence, track record) so that routing never reads the database; this service is the only
// writer of that copy.
import type { ProfileRow } from '../../db/schema.js';
import type { Expert, Profile } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import type { Router, RoutingExpert } from '../domain/routing/index.js';
import type { Unit, UnitOfWork } from '../events/unit-of-work.js';
import { invalid, notFound } from '../errors.js';
import type { ReplyCount, ReplyDelay, Skill } from '../repositories/experts.js';
import type { ReadRepositories } from '../repositories/index.js';
import type { RealtimeHub } from './realtime-hub.js';
import { createLines } from '../in-turn.js';

export { HELD_STATUSES } from '../repositories/experts.js';

type ProfileUpdate = Partial<Profile>;
type TrackRecord = { approved: number; rejected: number; answered: number };

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

/** Approved (or posted), rejected and posted replies per author. */
function trackRecords(counts: ReplyCount[]): Map<string, TrackRecord> {
  const records = new Map<string, TrackRecord>();
  for (const row of counts) {
    const r = records.get(row.authorId) ?? { approved: 0, rejected: 0, answered: 0 };
    if (row.status === 'approved' || row.status === 'posted') r.approved += row.n;
    if (row.status === 'rejected') r.rejected += row.n;
    if (row.status === 'posted') r.answered += row.n;
    records.set(row.authorId, r);
  }
  return records;
}

/** Time from claim to the first submitted reply, over each expert's last 50 replies. */
function replyTimes(delays: ReplyDelay[]): Map<string, number | null> {
  const byAuthor = new Map<string, number[]>();
  for (const r of delays) {
    const list = byAuthor.get(r.authorId) ?? [];
    if (list.length < 50 && r.ms >= 0) list.push(r.ms);
    byAuthor.set(r.authorId, list);
  }
  return new Map([...byAuthor].map(([id, list]) => [id, median(list)]));
}

function toProfile(row: ProfileRow, skills: Skill[]): Profile {
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

export function createExpertService({
  data,
  uow,
  clock,
  router,
  hub,
  announce = () => undefined,
}: {
  data: Pick<ReadRepositories, 'experts'>;
  uow: UnitOfWork;
  clock: Clock;
  router: Router;
  hub: RealtimeHub;
  /** An expert's routing state changed here: other nodes read it again (server/cluster/). */
  announce?: (userId: string) => void;
}) {
  const experts = data.experts;

  /**
   * What the roster calls online, and the router reachable: an offer can reach them now, through a connected tab or a
   * device subscribed to push (a simulated expert of the demo has one, like anyone away from their desk).
   */
  async function reachable(userId: string): Promise<boolean> {
    return hub.isOnline(userId) || (await experts.withPushDevices([userId])).length > 0;
  }

  function routingExpert(
    row: ProfileRow,
    skills: Skill[],
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
  async function unknownTags(repository: typeof experts, userId: string, skills: { tag: string }[]) {
    const held = new Set(((await repository.skillsOf([userId])).get(userId) ?? []).map((s) => s.tag));
    const added = [...new Set(skills.map((s) => s.tag))].filter((tag) => !held.has(tag));
    if (added.length === 0) return [];
    const known = new Set(await repository.existingTags(added));
    return added.filter((tag) => !known.has(tag));
  }

  // An expert's refreshes run one after another: two that overlapped on a pool of connections could finish out of
  // order, and the older read would overwrite the newer in the router. A caller waits for the expert's line
  // (`refreshed`) when the router must hold the change before it answers.
  const refreshes = createLines<string>();

  function syncExpert(userId: string): Promise<void> {
    return refreshes.run(userId, async () => {
      await readRoutingState(userId);
      announce(userId);
    });
  }

  function readIntoRouter(userId: string): Promise<void> {
    return refreshes.run(userId, () => readRoutingState(userId));
  }

  async function readRoutingState(userId: string): Promise<void> {
    const state = await experts.routingState(userId);
    // A deactivated account leaves the routing roster with its profile kept, and comes back with it when reactivated.
    if (!state?.active) {
      router.removeExpert(userId);
      return;
    }
    router.upsertExpert(
      routingExpert(
        state.profile,
        state.skills,
        state.load,
        trackRecords(state.replyCounts).get(userId),
        replyTimes(state.replyDelays).get(userId) ?? null,
        state.pushable,
      ),
    );
  }

  async function getProfile(userId: string): Promise<Profile | null> {
    const row = await experts.profile(userId);
    return row ? toProfile(row, (await experts.skillsOf([userId])).get(userId) ?? []) : null;
  }

  /** The profile, read after a write that made sure it exists. */
  async function existingProfile(userId: string): Promise<Profile> {
    const profile = await getProfile(userId);
    if (!profile) throw notFound('Expert profile');
    return profile;
  }

  /** The fields and skills of a profile change, in the caller's unit; the skills must name tags. */
  async function writeProfile(unit: Unit, userId: string, patch: ProfileUpdate): Promise<void> {
    const { skills, ...fields } = patch;
    const unknown = skills ? await unknownTags(unit.experts, userId, skills) : [];
    if (unknown.length > 0)
      throw invalid('unknown_tag', `No tag ${unknown.map((t) => `"${t}"`).join(', ')}: pick skills from the tags list`);
    if (Object.keys(fields).length > 0) await unit.experts.updateProfile(userId, fields, clock.now());
    if (skills) await unit.experts.replaceSkills(userId, skills);
  }

  return {
    /** Load every active expert into the router (at start). */
    async loadRoster(): Promise<number> {
      const rows = await experts.activeProfiles();
      const skills = await experts.skillsOf(rows.map((r) => r.userId));
      const currentLoads = await experts.heldCounts();
      const records = trackRecords(await experts.replyCounts());
      const reachable = new Set(await experts.withPushDevices());
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

    async ensureProfile(
      userId: string,
      name: string,
      overrides: Partial<Profile> & { simulated?: boolean } = {},
    ): Promise<Profile> {
      if (await experts.profile(userId)) return existingProfile(userId);
      // Decided inside the unit: two first requests of a new expert may race to create the profile.
      const created = await uow.run(async (unit) => {
        if (await unit.experts.profile(userId)) return false;
        await unit.experts.insertProfile(
          {
            userId,
            signature: overrides.signature ?? defaultSignature(name),
            handle: overrides.handle ?? null,
            capacity: overrides.capacity ?? 3,
            availability: overrides.availability ?? 'available',
            generalist: overrides.generalist ?? false,
            schedule: overrides.schedule ?? null,
            store: overrides.store ?? null,
            simulated: overrides.simulated ?? false,
          },
          clock.now(),
        );
        if (overrides.skills) await writeProfile(unit, userId, { skills: overrides.skills });
        return true;
      });
      if (created) await syncExpert(userId);
      return existingProfile(userId);
    },

    async hasProfile(userId: string): Promise<boolean> {
      return (await experts.profile(userId)) !== undefined;
    },
    /** Whether the account may act at all (a request authenticated just before a deactivation may still be running). */
    isActive: (userId: string): Promise<boolean> => experts.isActive(userId),
    /** An expert who may be given work: a profile, and an account that is not deactivated. */
    async isActiveExpert(userId: string): Promise<boolean> {
      return (await experts.profile(userId)) !== undefined && (await experts.isActive(userId));
    },

    getProfile,

    async signatureOf(userId: string): Promise<string> {
      const row = await experts.profile(userId);
      if (!row) throw notFound('Expert profile');
      return row.signature;
    },

    async updateProfile(userId: string, patch: ProfileUpdate): Promise<Profile> {
      // The profile is looked for inside the unit, so a profile removed meanwhile is not written half.
      await uow.run(async (unit) => {
        if (!(await unit.experts.profile(userId))) throw notFound('Expert profile');
        await writeProfile(unit, userId, patch);
      });
      await syncExpert(userId);
      const profile = await existingProfile(userId);
      if (patch.availability)
        hub.publish('expert.presence', {
          expertId: userId,
          online: await reachable(userId),
          availability: profile.availability,
        });
      return profile;
    },

    /** Re-read one expert's load and record into the router after a claim, release, submit or review. */
    refresh: syncExpert,
    /** The same, because another node said the expert changed: nobody else needs telling. */
    refreshHere: readIntoRouter,
    /**
     * Settles once every refresh of the expert started so far has (its failure is logged where it was started): a
     * claim or release answers after the router holds the expert's new load, so the next wave sees it.
     */
    refreshed: (userId: string): Promise<void> => refreshes.idle(userId),

    /** `announce`: tell the managers (the node the socket is on does; see PresenceListener). */
    async setOnline(userId: string, online: boolean, announce = true): Promise<void> {
      // The router first, before any read: it holds only experts with a profile, and a wave started right after a
      // connection opens must see it.
      router.setOnline(userId, online);
      if (!announce) return;
      const row = await experts.profile(userId);
      if (!row) return;
      hub.publish('expert.presence', {
        expertId: userId,
        online: await reachable(userId),
        availability: row.availability,
      });
    },

    /** A push subscription was added or removed: whether the expert is reachable without an open tab. */
    async pushChanged(userId: string): Promise<void> {
      const pushable = (await experts.withPushDevices([userId])).length > 0;
      router.setPushable(userId, pushable);
      announce(userId);
      const row = await experts.profile(userId);
      if (row)
        hub.publish('expert.presence', {
          expertId: userId,
          online: hub.isOnline(userId) || pushable,
          availability: row.availability,
        });
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

    async isSimulated(userId: string): Promise<boolean> {
      return (await experts.profile(userId))?.simulated ?? false;
    },

    async list(): Promise<Expert[]> {
      const rows = await experts.activeDirectory();
      const ids = rows.map((r) => r.user.id);
      const skills = await experts.skillsOf(ids);
      const currentLoads = await experts.heldCounts();
      const records = trackRecords(await experts.replyCounts());
      const times = replyTimes(await experts.replyDelays(ids));
      const byPush = new Set(await experts.withPushDevices(ids));
      const offered = await experts.offerCountsSince(clock.now() - 3600_000);
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

    async approvedCount(userId: string): Promise<number> {
      return trackRecords(await experts.replyCounts([userId])).get(userId)?.approved ?? 0;
    },
  };
}
export type ExpertService = ReturnType<typeof createExpertService>;
