// A fresh demo starts with a few weeks behind it: questions answered by the simulated experts (and a few by you), spread
// over past days, tagged, some thanked, so the insight digest, recognition, metrics and similar answers show something
// on the first visit. The rows are the ones the live flow writes (question, tags, offers, reply, the brand's post, the
// audit events), dated in the past and written in one transaction, which keeps the first start quick. Post ids sit
// below the fake X's own, so the fake X put in step with the database (fake-x-sync.ts) shows these threads too.
import { defaultRoutingConfig, type RoutingConfig } from '../../server/config.js';
import { X_CHANNEL } from '../../server/channels/x/mention-poller.js';
import { renderAttribution, X_LENGTH_RULE } from '../../server/domain/attribution.js';
import { newId } from '../../server/domain/ids.js';
import type { Services } from '../../server/plugins/services.js';
import type { NewOffer } from '../../server/repositories/offers.js';
import { CUSTOMER_HANDLES, DEMO_TOPICS, THANK_YOUS } from './catalog.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Below the fake X's first id (dev/fake-x/state.ts), so live posts always come after the history. */
const FIRST_HISTORY_POST_ID = 1_700_000_000_000_000_000n;
/** Topics asked more in the last week than before: the digest's rising topics have something to show. */
const RISING = ['mesh', 'ps5'];

export interface HistoryOptions {
  days?: number;
  perDay?: number;
  random?: () => number;
  brandHandle?: string;
  /** The SLA and wave length the history's questions were held to. */
  routing?: Pick<RoutingConfig, 'slaMs' | 'waveMs'>;
}

/** Seeds the history once: only into a database with no questions yet. Returns how many questions it wrote. */
export async function seedHistory(
  services: Services,
  {
    days = 21,
    perDay = 9,
    random = Math.random,
    brandHandle = 'AcmeHelp',
    routing = defaultRoutingConfig(),
  }: HistoryOptions = {},
): Promise<number> {
  const { data, uow, clock, tags, settings } = services;
  const anyQuestion = await data.questions.list({
    viewer: { id: '', manager: true },
    sort: 'newest',
    offset: 0,
    take: 1,
  });
  if (anyQuestion.length > 0) return 0;
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const between = (low: number, high: number) => low + random() * (high - low);

  const experts = (await data.experts.activeProfiles()).map((p) => ({
    id: p.userId,
    signature: p.signature,
    generalist: p.generalist,
  }));
  if (experts.length === 0) return 0;
  // Each tag's answers come from its masters (skill 5), as routing would send them.
  const masters = new Map<string, string[]>();
  for (const [id, skills] of await data.experts.skillsOf(experts.map((e) => e.id)))
    for (const skill of skills) if (skill.level === 5) masters.set(skill.tag, [...(masters.get(skill.tag) ?? []), id]);
  const signatureOf = new Map(experts.map((e) => [e.id, e.signature]));
  const sensitive = tags.sensitiveSlugs();
  const managers = (await services.auth.listUsers()).filter((u) => u.role === 'manager');
  const reviewer = (managers.find((u) => u.name.endsWith('(sim)')) ?? managers[0])?.id ?? null;
  const template = settings.get().attributionTemplate;
  const { slaMs, waveMs } = routing;

  const now = clock.now();
  const asked: { at: number; topic: (typeof DEMO_TOPICS)[number]; text: string }[] = [];
  for (let day = days; day >= 1; day--) {
    const inLastWeek = day <= 7;
    const n = Math.round(perDay * between(0.6, 1.4));
    for (let i = 0; i < n; i++) {
      const topic =
        inLastWeek && random() < 0.3
          ? pick(DEMO_TOPICS.filter((t) => RISING.some((w) => t.words.includes(w))))
          : pick(DEMO_TOPICS);
      // Business hours of that day, and never in the last hour (the routing caps count the last hour's offers).
      const at = Math.min(now - day * DAY_MS + between(-10, 2) * 60 * MINUTE_MS, now - 2 * 60 * MINUTE_MS);
      asked.push({ at: Math.round(at), topic, text: pick(topic.questions) });
    }
  }
  asked.sort((a, b) => a.at - b.at);

  let nextPostId = FIRST_HISTORY_POST_ID;
  const postId = () => String(nextPostId++);
  await uow.run(async (unit) => {
    for (const { at, topic, text } of asked) {
      const handle = `${pick(CUSTOMER_HANDLES)}${Math.floor(10 + random() * 990)}`;
      const tag = tags.exists(topic.tag) ? topic.tag : null;
      const pool = tag ? (masters.get(tag) ?? []) : experts.filter((e) => e.generalist).map((e) => e.id);
      const expertId = pick(pool.length > 0 ? pool : experts.map((e) => e.id));
      const others = experts.filter((e) => e.id !== expertId).map((e) => e.id);
      const offeredTo = [expertId, pick(others), pick(others)].filter((id, i, all) => all.indexOf(id) === i);
      const claimedAt = Math.round(at + between(0.5, 12) * MINUTE_MS);
      const repliedAt = Math.round(claimedAt + between(2, 15) * MINUTE_MS);
      const reviewed = tag !== null && sensitive.has(tag);
      const postedAt = Math.round(repliedAt + (reviewed ? between(5, 60) * MINUTE_MS : between(1, 20) * 1000));
      const questionId = newId(at);
      const externalId = postId();
      const body = `Hi @${handle}! ${pick(topic.answers)}`;
      const preview = renderAttribution(body, signatureOf.get(expertId) ?? '', template);

      await unit.questions.insert({
        id: questionId,
        channel: X_CHANNEL,
        externalId,
        text: `@${brandHandle} ${text}`,
        authorHandle: handle,
        authorName: null,
        authorExternalId: null,
        lang: null,
        conversationId: null,
        inReplyToExternalId: null,
        priority: 0,
        sentimentLabel: null,
        sentimentScore: null,
        status: 'answered',
        wave: 1,
        flag: null,
        createdAt: at,
        receivedAt: at,
        slaDueAt: at + slaMs,
        // Written now, whatever time it describes: the metrics' hour cache finds changed hours by when rows were
        // last written, and it was filled (from an empty database) before this history existed.
        updatedAt: now,
      });
      // A new question is held by nobody yet: who claimed it, and when it was answered, come after.
      await unit.questions.touch(questionId, { claimedAt, firstReplyAt: postedAt, updatedAt: now });
      if (tag) await unit.questionTags.add(questionId, [{ slug: tag, confidence: 0.9, source: 'rules' }]);
      await unit.auditLog.record({
        questionId,
        type: 'question.created',
        at,
        data: { channel: X_CHANNEL, externalId, tags: [tag] },
      });
      await unit.offers.insert(
        offeredTo.map(
          (id, i): NewOffer => ({
            id: newId(at),
            questionId,
            expertId: id,
            wave: 1,
            score: 1 - i * 0.2,
            reasons: tag ? { skill: 1 - i * 0.2 } : { generalist: 1 },
            state: 'open',
            createdAt: at,
            expiresAt: at + waveMs,
          }),
        ),
      );
      // The first one offered claimed it; the others lost it.
      await unit.offers.settleClaim(questionId, expertId);
      await unit.auditLog.record({
        questionId,
        type: 'question.offered',
        at,
        data: { wave: 1, pool: 'skilled', experts: offeredTo },
      });
      await unit.auditLog.record({
        questionId,
        actorId: expertId,
        type: 'question.claimed',
        at: claimedAt,
        data: { expertId, afterMs: claimedAt - at },
      });

      const replyId = newId(repliedAt);
      const replyPostId = postId();
      await unit.replies.insert({
        id: replyId,
        questionId,
        authorId: expertId,
        text: body,
        preview,
        weightedLength: X_LENGTH_RULE.measure(preview),
        status: 'posted',
        reviewerId: reviewed ? reviewer : null,
        externalId: replyPostId,
        createdAt: repliedAt,
        updatedAt: postedAt,
        postedAt,
      });
      await unit.auditLog.record({
        questionId,
        actorId: expertId,
        type: 'reply.submitted',
        at: repliedAt,
        data: { replyId, review: reviewed },
      });
      await unit.auditLog.record({
        questionId,
        actorId: reviewed ? reviewer : null,
        type: 'reply.approved',
        at: reviewed ? postedAt : repliedAt,
        data: { replyId, reviewed },
      });
      await unit.messages.insert({
        id: newId(postedAt),
        questionId,
        direction: 'out',
        externalId: replyPostId,
        text: preview,
        at: postedAt,
      });
      await unit.auditLog.record({
        questionId,
        type: 'reply.posted',
        at: postedAt,
        data: { replyId, externalId: replyPostId, attempts: 1 },
      });

      if (random() < 0.3) {
        const thankedAt = Math.min(Math.round(postedAt + between(5, 120) * MINUTE_MS), now - MINUTE_MS);
        const thanksId = postId();
        await unit.messages.insert({
          id: newId(thankedAt),
          questionId,
          direction: 'in',
          externalId: thanksId,
          text: `@${brandHandle} ${pick(THANK_YOUS)}`,
          authorHandle: handle,
          at: thankedAt,
        });
        await unit.auditLog.record({
          questionId,
          type: 'question.thanked',
          at: thankedAt,
          data: { externalId: thanksId },
        });
      }
    }
  });
  return asked.length;
}
