// The HTTP API contract (../shared/DESIGN.md, "HTTP API"). Routes validate with these schemas, the OpenAPI
// document is generated from them, and the web client imports their inferred types, so the two sides cannot drift.
import { z } from 'zod';
import { AlertWebhookSchema } from './push.js';
import { normalizeText, publicTextProblem, sanitizeText, type Lines } from '../domain/text-safety.js';
import { PERIOD_YEARS } from '../domain/period.js';
import { SNIPPET_VARIABLES, unknownPlaceholders } from '../domain/snippet-variables.js';

export const RoleSchema = z.enum(['expert', 'manager', 'admin']);
export type Role = z.infer<typeof RoleSchema>;

export const QuestionStatusSchema = z.enum([
  'new',
  'offered',
  'claimed',
  'in_review',
  'approved',
  'posting',
  'answered',
  'closed',
  'escalated',
  'dismissed',
  'failed',
]);
export type QuestionStatus = z.infer<typeof QuestionStatusSchema>;

export const ReplyStatusSchema = z.enum(['in_review', 'approved', 'posted', 'rejected', 'failed']);
export type ReplyStatus = z.infer<typeof ReplyStatusSchema>;

export const AvailabilitySchema = z.enum(['available', 'away']);
export const TagSourceSchema = z.enum(['rules', 'model', 'manual']);

const id = z.string().min(1).max(64);
const isoTime = z.string();
const slug = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes');

// Text fields follow domain/text-safety.ts's table. Only request schemas apply them: a response re-validates what is
// stored, and a row written before a rule existed must still read.
interface TextLimits {
  min?: number;
  max: number;
  empty?: string;
}
/** Text that can become public: NFC, trimmed, and refused (422 `unsafe_text`, see the error handler) if it holds a
 *  character that hides, reorders or breaks it. */
const publicText = (lines: Lines, { min = 1, max, empty }: TextLimits) =>
  z
    .string()
    .overwrite((s) => normalizeText(s, lines))
    .trim()
    .min(min, empty)
    .max(max)
    .superRefine((value, ctx) => {
      const problem = value ? publicTextProblem(value, lines) : null;
      if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { code: 'unsafe_text' } });
    });
/** Text only stored and shown internally: cleaned, never refused for its characters. */
const storedText = (lines: Lines, { min = 1, max, empty }: TextLimits) =>
  z
    .string()
    .overwrite((s) => sanitizeText(s, lines))
    .trim()
    .min(min, empty)
    .max(max);

export const ErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const UserSchema = z.object({ id, email: z.string(), name: z.string(), role: RoleSchema });
export type User = z.infer<typeof UserSchema>;

export const LoginBodySchema = z.object({
  email: z.string().trim().toLowerCase().email().max(200),
  password: z.string().min(1).max(200),
});
export const SessionResponseSchema = z.object({
  user: UserSchema,
  csrfToken: z.string(),
  /** true: signed in with a temporary password an admin set; only POST /api/me/password (and sign-out) work until then. */
  mustChangePassword: z.boolean(),
});
export type SessionResponse = z.infer<typeof SessionResponseSchema>;
const newPassword = z.string().min(8, 'passwords need at least 8 characters').max(200);
export const ChangePasswordBodySchema = z.object({ currentPassword: z.string().min(1).max(200), newPassword });
export const TemporaryPasswordBodySchema = z.object({ temporaryPassword: newPassword });

export const CreateUserBodySchema = z.object({
  email: z.string().trim().toLowerCase().email().max(200),
  name: publicText('single', { max: 100 }),
  role: RoleSchema,
  password: z.string().min(8, 'passwords need at least 8 characters').max(200),
});
export const CreateTokenBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  role: RoleSchema.optional(),
  /** Left out: the token works until revoked. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
/** An API token as admins see it: never its secret, which is shown once, when it is created. */
export const ApiTokenSchema = z.object({
  id,
  name: z.string(),
  role: RoleSchema,
  createdAt: isoTime,
  expiresAt: isoTime.nullable(),
  lastUsedAt: isoTime.nullable(),
  owner: z.object({ id, name: z.string() }),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;
export const CreatedTokenSchema = z.object({ token: z.string(), apiToken: ApiTokenSchema });
/** An account as admins see it: a user, and whether they may sign in. */
export const AccountSchema = UserSchema.extend({ active: z.boolean() });
export type Account = z.infer<typeof AccountSchema>;
export const UpdateUserBodySchema = z
  .object({
    name: publicText('single', { max: 100 }).optional(),
    role: RoleSchema.optional(),
    /** false: the person left or must not sign in — sessions end, live connections close, claimed questions go back. */
    active: z.boolean().optional(),
  })
  .refine(
    (body) => Object.values(body).some((value) => value !== undefined),
    'say what to change: name, role or active',
  );

export const SkillSchema = z.object({ tag: slug, level: z.number().int().min(1).max(5) });
export type Skill = z.infer<typeof SkillSchema>;

/** Weekly hours in the expert's time zone: day 0 = Sunday, minutes since midnight. */
export const ScheduleSchema = z.object({
  timezone: z.string().min(1).max(64),
  slots: z
    .array(
      z.object({
        day: z.number().int().min(0).max(6),
        start: z.number().int().min(0).max(1440),
        end: z.number().int().min(0).max(1440),
      }),
    )
    .max(50),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

export const ProfileSchema = z.object({
  handle: z.string().trim().max(50).nullable(),
  signature: z.string().trim().min(1).max(40),
  skills: z.array(SkillSchema).max(50),
  capacity: z.number().int().min(1).max(50),
  availability: AvailabilitySchema,
  generalist: z.boolean(),
  schedule: ScheduleSchema.nullable(),
  store: z.string().trim().max(100).nullable(),
});
export type Profile = z.infer<typeof ProfileSchema>;

let knownTimeZones: Set<string> | undefined;
/** IANA names as the runtime knows them; an alias a browser may report (Asia/Kolkata, US/Eastern) counts when it resolves to one. */
function isKnownTimeZone(name: string): boolean {
  knownTimeZones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  try {
    return knownTimeZones.has(new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone);
  } catch {
    return false;
  }
}
const timeZone = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .superRefine((name, ctx) => {
    if (name && !isKnownTimeZone(name))
      ctx.addIssue({
        code: 'custom',
        message: `"${name}" is not a time zone this server knows; use an IANA name such as Europe/Berlin, or UTC`,
      });
  });
export const ProfileUpdateSchema = ProfileSchema.partial().extend({
  handle: publicText('single', { min: 0, max: 50 }).nullable().optional(),
  signature: publicText('single', { max: 40 }).optional(),
  store: storedText('single', { min: 0, max: 100 }).nullable().optional(),
  schedule: ScheduleSchema.extend({ timezone: timeZone }).nullable().optional(),
});

export const ExpertStatsSchema = z.object({
  answered: z.number(),
  approved: z.number(),
  rejected: z.number(),
  approvalRate: z.number().nullable(),
  medianReplyMs: z.number().nullable(),
  offersLastHour: z.number(),
});
export const ExpertSchema = z.object({
  id,
  name: z.string(),
  email: z.string(),
  signature: z.string(),
  handle: z.string().nullable(),
  skills: z.array(SkillSchema),
  availability: AvailabilitySchema,
  online: z.boolean(),
  load: z.number(),
  capacity: z.number(),
  generalist: z.boolean(),
  store: z.string().nullable(),
  stats: ExpertStatsSchema,
});
export type Expert = z.infer<typeof ExpertSchema>;

export const TagSchema = z.object({
  slug,
  name: z.string().trim().min(1).max(60),
  description: z.string().max(500).default(''),
  keywords: z.array(z.string()).max(200).default([]),
  sensitive: z.boolean().default(false),
});
export type Tag = z.infer<typeof TagSchema>;
const tagFields = {
  name: publicText('single', { max: 60 }),
  description: storedText('multi', { min: 0, max: 500 }),
  keywords: z.array(publicText('single', { max: 60 })).max(200),
  sensitive: z.boolean(),
};
export const TagBodySchema = z.object({
  slug,
  name: tagFields.name,
  description: tagFields.description.default(''),
  keywords: tagFields.keywords.default([]),
  sensitive: tagFields.sensitive.default(false),
});
export const TagPatchSchema = z
  .object(tagFields)
  .partial()
  .refine(
    (body) => Object.values(body).some((value) => value !== undefined),
    'say what to change: name, description, keywords or sensitive',
  );

/**
 * The longest id another system may give a post, an author or a conversation: room for a Bluesky `at://` URI (70
 * characters with a did:plc, more with a did:web) or an email's Message-ID, not for a whole document.
 */
export const EXTERNAL_ID_MAX = 512;
const externalId = z.string().max(EXTERNAL_ID_MAX);

export const AuthorSchema = z.object({
  handle: z.string().trim().min(1).max(50),
  name: z.string().trim().max(100).optional(),
  externalId: externalId.optional(),
});
export const IngestQuestionSchema = z.object({
  channel: z.string().trim().min(1).max(30),
  externalId: z.string().trim().min(1).max(EXTERNAL_ID_MAX),
  text: z.string().min(1).max(4000),
  author: AuthorSchema,
  createdAt: z.iso.datetime({ offset: true }).optional(),
  inReplyToExternalId: externalId.optional(),
  conversationId: externalId.optional(),
  lang: z.string().max(10).optional(),
});
export type IngestQuestion = z.infer<typeof IngestQuestionSchema>;

export const QuestionTagSchema = z.object({ slug: z.string(), confidence: z.number(), source: TagSourceSchema });
export const OfferSchema = z.object({
  expertId: id,
  expertName: z.string().optional(),
  score: z.number(),
  reasons: z.record(z.string(), z.number()),
  wave: z.number(),
  state: z.enum(['open', 'claimed', 'expired', 'lost', 'released']),
  createdAt: isoTime,
  expiresAt: isoTime,
});
export type Offer = z.infer<typeof OfferSchema>;

export const ReplySchema = z.object({
  id,
  questionId: id,
  authorId: id,
  authorName: z.string().optional(),
  status: ReplyStatusSchema,
  text: z.string(),
  preview: z.string(),
  weightedLength: z.number(),
  externalId: z.string().nullable(),
  /**
   * Once posted: `sent` when a network or a webhook took it (`externalId` is its id there), `none` when its channel
   * has no delivery configured, so the answer is recorded and nothing was sent. Null before.
   */
  delivery: z.enum(['sent', 'none']).nullable(),
  feedback: z.string().nullable(),
  failureReason: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Reply = z.infer<typeof ReplySchema>;

export const EventSchema = z.object({
  id: z.string(),
  type: z.string(),
  actorId: z.string().nullable(),
  data: z.unknown(),
  at: isoTime,
});
/** How the customer felt as they wrote (server/domain/sentiment.ts, docs/sentiment.md); null where not scored. */
export const SentimentSchema = z.object({
  label: z.enum(['negative', 'neutral', 'positive']),
  /** AFINN's comparative: the words' valence per word, about -5 to 5; at or below -0.2 strongly negative. */
  score: z.number(),
});
export const MessageSchema = z.object({
  id,
  direction: z.enum(['in', 'out']),
  externalId: z.string().nullable(),
  text: z.string(),
  authorHandle: z.string().nullable(),
  at: isoTime,
  sentiment: SentimentSchema.nullable(),
});

export const QuestionSchema = z.object({
  id,
  channel: z.string(),
  externalId: z.string(),
  text: z.string(),
  author: z.object({ handle: z.string(), name: z.string().nullable(), externalId: z.string().nullable() }),
  status: QuestionStatusSchema,
  tags: z.array(QuestionTagSchema),
  assigneeId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  /** 1 for a strongly negative post (first in the queue's urgent order), else 0. */
  priority: z.number(),
  sentiment: SentimentSchema.nullable(),
  flag: z.string().nullable(),
  dismissReason: z.string().nullable(),
  conversationId: z.string().nullable(),
  inReplyToExternalId: z.string().nullable(),
  lang: z.string().nullable(),
  /** On a question still open: the customer's last post in the thread when it came after the question (a follow-up). */
  followUp: z.object({ text: z.string(), at: isoTime }).nullable(),
  createdAt: isoTime,
  receivedAt: isoTime,
  slaDueAt: isoTime,
  updatedAt: isoTime,
});
export type QuestionSummary = z.infer<typeof QuestionSchema>;
export const QuestionDetailSchema = QuestionSchema.extend({
  offers: z.array(OfferSchema),
  replies: z.array(ReplySchema),
  events: z.array(EventSchema),
  thread: z.array(MessageSchema),
});
export type QuestionDetail = z.infer<typeof QuestionDetailSchema>;
/** One of the customer's other questions: their public post and where it stands. */
export const CustomerQuestionSchema = z.object({
  id,
  text: z.string(),
  status: QuestionStatusSchema,
  createdAt: isoTime,
});
export type CustomerQuestion = z.infer<typeof CustomerQuestionSchema>;
/** GET /api/questions/:id: the detail and the same customer's other questions on the channel, newest first (≤ 20). */
/** What the client shows and counts by the question's channel (server/domain/channel-display.ts). */
export const LengthRuleInfoSchema = z.object({
  kind: z.enum(['x-weighted', 'graphemes', 'mastodon']),
  max: z.number(),
  unit: z.string(),
});
export const ChannelInfoSchema = z.object({
  /** "X", "Bluesky", "Mastodon", or an API channel's own name. */
  label: z.string(),
  /** A public network, whose customers have @handles; false for an API channel (email, chat, a helpdesk bridge). */
  network: z.boolean(),
  /** The rule a reply must fit: an instance's own limit on Mastodon; X's rule for a channel with no adapter. */
  length: LengthRuleInfoSchema,
  /** Where the customer's post opens on its network; null on an API channel. */
  postUrl: z.string().nullable(),
});
export type ChannelInfo = z.infer<typeof ChannelInfoSchema>;
export const QuestionViewSchema = QuestionDetailSchema.extend({
  customerHistory: z.array(CustomerQuestionSchema),
  channelInfo: ChannelInfoSchema,
  /** Where each reply that went out opens on the network, by reply id; only replies with a known address. */
  replyUrls: z.record(z.string(), z.string()),
});
export type QuestionView = z.infer<typeof QuestionViewSchema>;

export const QuestionListQuerySchema = z.object({
  status: z.string().max(200).optional(), // one status or a comma-separated list
  tag: z.string().max(40).optional(),
  assignee: z.string().max(64).optional(), // an expert id, or "me"
  /** Only questions with this flag, e.g. `spam` (held as suspected spam), `no-expert`. */
  flag: z.string().max(40).optional(),
  /** Only questions that came in on this channel, e.g. `bluesky` or an API channel's `email`. */
  channel: z.string().max(30).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  /** newest first (default), or most urgent first: strongly negative posts first, then the earliest SLA deadline. */
  sort: z.enum(['newest', 'sla']).default('newest'),
  /** Search the whole thread (question, follow-ups, replies, notes): words, "a phrase", @handle, or an id. */
  q: z.string().max(200).optional(),
});
/** A row of the question list: with how many questions its customer asked in the week up to it, this one included. */
export const QuestionListItemSchema = QuestionSchema.extend({ askedThisWeek: z.number() });
export type QuestionListItem = z.infer<typeof QuestionListItemSchema>;
export const QuestionListSchema = z.object({
  items: z.array(QuestionListItemSchema),
  nextCursor: z.string().nullable(),
});

export const AssignBodySchema = z.object({ expertId: id });
export const DismissBodySchema = z.object({ reason: storedText('multi', { max: 500 }) });
export const RetagBodySchema = z.object({ tags: z.array(slug).max(20) });
export const ReplyBodySchema = z.object({ text: publicText('multi', { max: 2000, empty: 'the reply is empty' }) });
/** `text`: the manager's edit, published instead of the expert's words. */
export const ApproveBodySchema = z.object({ text: publicText('multi', { max: 2000 }).optional() });
export const RejectBodySchema = z.object({ feedback: storedText('multi', { max: 1000 }) });

export const PercentilesSchema = z.object({
  median: z.number().nullable(),
  p90: z.number().nullable(),
  count: z.number(),
});
export const MetricsSchema = z.object({
  from: isoTime,
  to: isoTime,
  total: z.number(),
  byStatus: z.record(z.string(), z.number()),
  answered: z.number(),
  answerRate: z.number().nullable(),
  timeToClaimMs: PercentilesSchema,
  timeToFirstReplyMs: PercentilesSchema,
  slaBreaches: z.number(),
  byTag: z.array(
    z.object({ tag: z.string(), total: z.number(), answered: z.number(), medianReplyMs: z.number().nullable() }),
  ),
  byExpert: z.array(
    z.object({
      expertId: z.string(),
      name: z.string(),
      answered: z.number(),
      approved: z.number(),
      rejected: z.number(),
      medianReplyMs: z.number().nullable(),
    }),
  ),
  /** How many experts answered in the window: byExpert's length unless the request asked for fewer (`experts`). */
  expertsTotal: z.number(),
  volume: z.array(z.object({ bucket: isoTime, received: z.number(), answered: z.number() })),
});
export type Metrics = z.infer<typeof MetricsSchema>;
/**
 * A period's bound: an ISO date-time, or a bare date (`2026-12-02`) meaning that day in UTC — its start as `from`, its
 * end (the next midnight) as `to`, so `from=2026-12-01&to=2026-12-01` is that whole day. Either way a date-time reaches
 * the handler.
 */
const periodBound = (side: 'from' | 'to') =>
  z
    .union([z.iso.datetime({ offset: true }), z.iso.date()], {
      error: 'expected an ISO date-time or a date (YYYY-MM-DD)',
    })
    .refine(
      (value) => Number(value.slice(0, 4)) >= PERIOD_YEARS.first && Number(value.slice(0, 4)) <= PERIOD_YEARS.last,
      `expected a year from ${PERIOD_YEARS.first} to ${PERIOD_YEARS.last}`,
    )
    // Transformed after the union: a transform inside one of its options hid the union's message behind that option's.
    .transform((value) =>
      value.length > 10
        ? value
        : new Date(Date.parse(`${value}T00:00:00Z`) + (side === 'to' ? 24 * 3600_000 : 0)).toISOString(),
    )
    .optional();

export const MetricsQuerySchema = z.object({
  from: periodBound('from'),
  to: periodBound('to'),
  /** Only the N experts who answered most, in byExpert (default: every expert who answered in the window). */
  experts: z.coerce.number().int().min(1).max(100_000).optional(),
});

/** Of the answered threads whose customer was negative just before the answer, how many wrote again, and less so. */
const ShiftCountsSchema = z.object({
  /** Answered threads whose customer's latest post before the answer was negative. */
  negativeThreads: z.number(),
  /** Of those, the ones where the customer posted again after the answer (the rest stayed silent). */
  heardAfter: z.number(),
  /** Of those, the ones whose next post was neutral or positive. */
  turned: z.number(),
  /** turned / heardAfter, or null when nobody wrote again. */
  turnedShare: z.number().nullable(),
});
/** GET /api/metrics/sentiment: how customers felt, and the shift after an answer, over questions received in the window. */
export const SentimentMetricsSchema = ShiftCountsSchema.extend({
  from: isoTime,
  to: isoTime,
  answered: z.number(),
  /** Per hour up to two days, per day beyond: questions received by sentiment, and the shift of those answered. */
  overTime: z.array(
    ShiftCountsSchema.extend({
      bucket: isoTime,
      negative: z.number(),
      neutral: z.number(),
      positive: z.number(),
      unscored: z.number(),
    }),
  ),
  byTag: z.array(ShiftCountsSchema.extend({ tag: z.string() })),
  /** By the expert whose answer was posted first. */
  byExpert: z.array(ShiftCountsSchema.extend({ expertId: z.string(), name: z.string() })),
});
export type SentimentMetrics = z.infer<typeof SentimentMetricsSchema>;
export const SentimentMetricsQuerySchema = z.object({
  from: periodBound('from'),
  to: periodBound('to'),
  format: z.enum(['json', 'csv']).default('json'),
});

export const ChannelHealthSchema = z.object({
  name: z.string(),
  state: z.enum(['idle', 'polling', 'ok', 'waiting', 'error', 'disabled']),
  lastPollAt: isoTime.nullable(),
  lastError: z.string().nullable(),
  waitUntil: isoTime.nullable().optional(),
  /** Replies waiting to go out on the channel (pending or sending) and those that failed for good. */
  outbox: z.object({ pending: z.number(), failed: z.number() }).optional(),
  /** Where ingest resumes: the stored cursor (X since_id, Mastodon min_id, Bluesky indexedAt), null before the first. */
  cursor: z.string().nullable().optional(),
});
export const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  db: z.enum(['ok', 'error']),
  channels: z.array(ChannelHealthSchema),
  // After a restart on a large history the routing model replays in the background; routing works meanwhile.
  routing: z.object({ model: z.enum(['ready', 'loading']), learned: z.number(), total: z.number() }).optional(),
  /** The storage engine: SQLite for one node, PostgreSQL for several. */
  engine: z.enum(['sqlite', 'postgres']).optional(),
  /** This node; exactly one node of a cluster leads (runs the pollers, waves and SLA watch). */
  node: z.object({ id: z.string(), leader: z.boolean() }).optional(),
});
export type Health = z.infer<typeof HealthSchema>;

// Knowledge reuse, internal notes and the feedback loop: similar past answers, snippets, notes and hand-offs, the
// insight digest and expert recognition.
export const SimilarQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(20).default(5) });
export const SimilarAnswerSchema = z.object({
  questionId: id,
  replyId: id,
  questionText: z.string(),
  replyText: z.string(),
  /** Whom the answer was for: "Use this" puts the current customer in their place. */
  customer: z.object({ handle: z.string(), name: z.string().nullable() }),
  authorName: z.string(),
  score: z.number(),
  postedAt: isoTime.nullable(),
  tags: z.array(z.string()),
});
export type SimilarAnswer = z.infer<typeof SimilarAnswerSchema>;
export const SimilarAnswersSchema = z.object({ items: z.array(SimilarAnswerSchema) });

export const SnippetSchema = z.object({
  id,
  tag: z.string().nullable(),
  title: z.string(),
  text: z.string(),
  createdBy: id,
  createdByName: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  uses: z.number(),
});
export type Snippet = z.infer<typeof SnippetSchema>;
export const SnippetListQuerySchema = z.object({ tag: z.string().max(200).optional() }); // one slug or a comma-separated list
const snippetFields = {
  title: publicText('single', { max: 120 }),
  text: publicText('multi', { max: 2000 })
    .superRefine((value, ctx) => {
      const unknown = unknownPlaceholders(value);
      if (unknown.length > 0)
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder ${unknown.join(', ')}: a snippet may use ${SNIPPET_VARIABLES.map((v) => `{${v}}`).join(' and ')}`,
          params: { code: 'unknown_placeholder' },
        });
    })
    .describe(
      "{customer} becomes the current customer's @handle and {name} their display name when an expert uses the snippet; any other {word} is refused with 422 unknown_placeholder, since it would reach the customer as written",
    ),
  tag: slug.nullable(),
};
export const CreateSnippetBodySchema = z
  .object({
    title: snippetFields.title.optional(),
    text: snippetFields.text.optional(),
    tag: snippetFields.tag.optional(),
    fromReplyId: id.optional(),
  })
  .strict()
  .refine((b) => (b.fromReplyId ? b.text === undefined : b.title !== undefined && b.text !== undefined), {
    message: 'send {title, text, tag?} or {fromReplyId, title?, tag?}',
  });
export type CreateSnippetBody = z.infer<typeof CreateSnippetBodySchema>;
export const SnippetPatchSchema = z.object(snippetFields).partial().strict();

export const NoteSchema = z.object({
  id,
  questionId: id,
  authorId: id,
  authorName: z.string(),
  kind: z.enum(['note', 'handoff']),
  text: z.string(),
  mentions: z.array(z.object({ id, name: z.string() })),
  createdAt: isoTime,
});
export type Note = z.infer<typeof NoteSchema>;
export const NoteBodySchema = z.object({ text: storedText('multi', { max: 2000, empty: 'the note is empty' }) });
export const HandoffBodySchema = z.object({
  expertId: id,
  note: storedText('multi', { max: 2000, empty: 'say why you hand it off' }),
});

export const PeriodQuerySchema = z.object({ from: periodBound('from'), to: periodBound('to') });
export const InsightsQuerySchema = PeriodQuerySchema.extend({ format: z.enum(['json', 'csv', 'md']).default('json') });
export const ExampleQuestionSchema = z.object({ id, text: z.string(), receivedAt: isoTime });
export const InsightsSchema = z.object({
  from: isoTime,
  to: isoTime,
  previousFrom: isoTime,
  totals: z.object({
    questions: z.number(),
    previousQuestions: z.number(),
    answered: z.number(),
    unanswered: z.number(),
  }),
  topTags: z.array(
    z.object({
      tag: z.string(),
      name: z.string(),
      count: z.number(),
      share: z.number(),
      examples: z.array(ExampleQuestionSchema),
    }),
  ),
  risingTopics: z.array(
    z.object({
      term: z.string(),
      label: z.string(),
      count: z.number(),
      previousCount: z.number(),
      share: z.number(),
      previousShare: z.number(),
      growth: z.number(),
      examples: z.array(ExampleQuestionSchema),
    }),
  ),
  unansweredByTag: z.array(z.object({ tag: z.string().nullable(), count: z.number() })),
});
export type Insights = z.infer<typeof InsightsSchema>;

const recognitionStats = {
  answered: z.number(),
  medianReplyMs: z.number().nullable(),
  approvalRate: z.number().nullable(),
  reviewed: z.number(),
  thanks: z.number(),
  /** Negative questions received in the period that they answered, and how many of those customers wrote back less
   * negative (neutral or positive) after the answer (the shift on the metrics page). */
  negativeThreads: z.number(),
  turned: z.number(),
};
export const RecognitionQuerySchema = PeriodQuerySchema.extend({
  /** Only the N experts who answered most (then most thanked) in `experts` (default: every expert). */
  experts: z.coerce.number().int().min(1).max(100_000).optional(),
});
export const RecognitionSchema = z.object({
  from: isoTime,
  to: isoTime,
  experts: z.array(z.object({ expertId: id, name: z.string(), store: z.string().nullable(), ...recognitionStats })),
  /** How many experts the full list has: `experts`' length unless the request asked for fewer. */
  expertsTotal: z.number(),
  stores: z.array(z.object({ store: z.string().nullable(), experts: z.number(), ...recognitionStats })),
});
export type Recognition = z.infer<typeof RecognitionSchema>;

const attributionTemplate = z
  .string()
  .min(6)
  .max(60)
  .refine((t) => t.includes('{text}') && t.includes('{signature}'), 'the template needs {text} and {signature}');
const publicAttributionTemplate = publicText('multi', { min: 6, max: 60 }).refine(
  (t) => t.includes('{text}') && t.includes('{signature}'),
  'the template needs {text} and {signature}',
);
const templateChannel = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,29}$/, 'a channel name as questions carry it');
export const SettingsSchema = z.object({
  reviewPolicy: z.object({ minApproved: z.number().int().min(0).max(1000), reviewAll: z.boolean() }),
  /** The default attribution: every channel without an override of its own. */
  attributionTemplate,
  /** Per channel, a template that replaces the default (a shorter one where the network counts tightly). */
  attributionTemplates: z.record(templateChannel, attributionTemplate),
  /** The desk's chat webhook for manager alerts (contracts/push.ts). */
  alertWebhook: AlertWebhookSchema,
  /** The SLA of a strongly negative post, in minutes, when shorter than everyone's; null: the same SLA for all. */
  negativeSlaMinutes: z.number().int().min(1).max(10_080).nullable(),
});
export type Settings = z.infer<typeof SettingsSchema>;
/** A change to the settings; the attribution template shapes every public post, so it is public text. */
export const SettingsPatchSchema = SettingsSchema.extend({
  attributionTemplate: publicAttributionTemplate,
  /** The whole map: a channel left out goes back to the default template. */
  attributionTemplates: z.record(templateChannel, publicAttributionTemplate),
}).partial();

/** What an expert may know about colleagues (for hand-offs and @mentions): no email, no stats. */
export const ColleagueSchema = ExpertSchema.pick({
  id: true,
  name: true,
  signature: true,
  skills: true,
  availability: true,
  online: true,
  store: true,
});
export type Colleague = z.infer<typeof ColleagueSchema>;

/** A manager's named queue filters ("saved view"): the same fields as GET /api/questions takes. */
export const SavedViewFiltersSchema = z.object({
  status: QuestionListQuerySchema.shape.status,
  tag: QuestionListQuerySchema.shape.tag,
  assignee: QuestionListQuerySchema.shape.assignee,
  channel: QuestionListQuerySchema.shape.channel,
  q: QuestionListQuerySchema.shape.q,
  sort: z.enum(['newest', 'sla']).optional(),
});
export const SavedViewBodySchema = z.object({
  name: storedText('single', { max: 40 }),
  filters: SavedViewFiltersSchema,
});
export const SavedViewSchema = SavedViewBodySchema.extend({ id, name: z.string(), createdAt: isoTime });
export type SavedView = z.infer<typeof SavedViewSchema>;
export const SavedViewListSchema = z.object({ views: z.array(SavedViewSchema) });
