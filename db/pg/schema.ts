// The PostgreSQL schema: the same tables, columns and indexes as db/schema.ts (SQLite), in PostgreSQL's types. Times
// are bigint milliseconds, flags booleans, JSON jsonb. drizzle has no schema shared by two dialects, so there are two;
// test/pg-schema.test.ts compares the migrated databases column by column and fails when they drift apart.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: ['expert', 'manager', 'admin'] }).notNull(),
  passwordHash: text('password_hash').notNull(),
  active: boolean('active').notNull().default(true),
  /** Set when an admin gave the account a temporary password: it must choose its own before anything else. */
  mustChangePassword: boolean('must_change_password').notNull().default(false),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});

export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    csrfToken: text('csrf_token').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
    revokedAt: bigint('revoked_at', { mode: 'number' }),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    role: text('role', { enum: ['expert', 'manager', 'admin'] }).notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    /** null: the token never expires. */
    expiresAt: bigint('expires_at', { mode: 'number' }),
    lastUsedAt: bigint('last_used_at', { mode: 'number' }),
    revokedAt: bigint('revoked_at', { mode: 'number' }),
  },
  (t) => [index('api_tokens_user').on(t.userId)],
);

export const expertProfiles = pgTable('expert_profiles', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id),
  handle: text('handle'),
  signature: text('signature').notNull(),
  capacity: integer('capacity').notNull().default(3),
  availability: text('availability', { enum: ['available', 'away'] })
    .notNull()
    .default('available'),
  generalist: boolean('generalist').notNull().default(false),
  schedule: jsonb('schedule').$type<{
    timezone: string;
    slots: { day: number; start: number; end: number }[];
  } | null>(),
  store: text('store'),
  simulated: boolean('simulated').notNull().default(false),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

export const expertSkills = pgTable(
  'expert_skills',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    tag: text('tag').notNull(),
    level: integer('level').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.tag] }), index('expert_skills_tag').on(t.tag)],
);

export const tags = pgTable('tags', {
  slug: text('slug').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  keywords: jsonb('keywords').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  sensitive: boolean('sensitive').notNull().default(false),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});

export const questions = pgTable(
  'questions',
  {
    id: text('id').primaryKey(),
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    text: text('text').notNull(),
    authorHandle: text('author_handle').notNull(),
    authorName: text('author_name'),
    authorExternalId: text('author_external_id'),
    lang: text('lang'),
    conversationId: text('conversation_id'),
    inReplyToExternalId: text('in_reply_to_external_id'),
    priority: integer('priority').notNull().default(0),
    /** How the customer felt as they wrote (server/domain/sentiment.ts); null for questions stored before it was scored. */
    sentimentLabel: text('sentiment_label', { enum: ['negative', 'neutral', 'positive'] }),
    sentimentScore: doublePrecision('sentiment_score'),
    status: text('status').notNull(),
    assigneeId: text('assignee_id').references(() => users.id),
    /** Why the question needs a manager's eye: 'no-tag', 'no-match' (went to generalists), 'no-expert'. */
    flag: text('flag'),
    dismissReason: text('dismiss_reason'),
    wave: integer('wave').notNull().default(0),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    receivedAt: bigint('received_at', { mode: 'number' }).notNull(),
    slaDueAt: bigint('sla_due_at', { mode: 'number' }).notNull(),
    claimedAt: bigint('claimed_at', { mode: 'number' }),
    firstReplyAt: bigint('first_reply_at', { mode: 'number' }),
    escalatedAt: bigint('escalated_at', { mode: 'number' }),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('questions_channel_external').on(t.channel, t.externalId),
    index('questions_status_received').on(t.status, t.receivedAt),
    index('questions_assignee_status').on(t.assigneeId, t.status),
    // Covers the metrics reads (received_at range → status and times, and the id for tag and reply joins) without
    // touching the wide rows; questions_updated finds the hours whose metrics changed since the last request.
    index('questions_received').on(t.receivedAt, t.status, t.claimedAt, t.firstReplyAt, t.slaDueAt, t.id),
    index('questions_updated').on(t.updatedAt, t.receivedAt),
    // Claims held too long go back to the pool: looked up by claim time, so a question never claimed (every new one)
    // needs no entry here.
    index('questions_status_claimed_only').on(t.status, t.claimedAt).where(sql`${t.claimedAt} is not null`),
    // The queue, newest first: each status's ids in order, so a page of open questions reads a page of index entries.
    index('questions_status_id').on(t.status, t.id),
    // A customer's other questions, newest first (server/services/customer-history.ts). The customer is their id on
    // the channel, or their handle (any case) where the channel gave none; the query repeats this expression
    // exactly, as SQLite only uses an expression index for the same expression.
    index('questions_customer').on(
      t.channel,
      sql`coalesce(author_external_id, '@' || lower(author_handle))`,
      t.createdAt,
    ),
  ],
);

export const questionTags = pgTable(
  'question_tags',
  {
    questionId: text('question_id')
      .notNull()
      .references(() => questions.id),
    slug: text('slug').notNull(),
    confidence: doublePrecision('confidence').notNull(),
    source: text('source', { enum: ['rules', 'model', 'manual'] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.questionId, t.slug] }), index('question_tags_slug').on(t.slug)],
);

/** Posts in a question's public thread after the first one: customer follow-ups and the brand's replies. */
export const messages = pgTable(
  'messages',
  {
    id: text('id').primaryKey(),
    questionId: text('question_id')
      .notNull()
      .references(() => questions.id),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    externalId: text('external_id'),
    text: text('text').notNull(),
    authorHandle: text('author_handle'),
    at: bigint('at', { mode: 'number' }).notNull(),
    /** A customer's post only (direction 'in'): the shift after an answer compares it with the question's. */
    sentimentLabel: text('sentiment_label', { enum: ['negative', 'neutral', 'positive'] }),
    sentimentScore: doublePrecision('sentiment_score'),
  },
  (t) => [index('messages_question').on(t.questionId, t.at), uniqueIndex('messages_external').on(t.externalId)],
);

export const offers = pgTable(
  'offers',
  {
    id: text('id').primaryKey(),
    questionId: text('question_id')
      .notNull()
      .references(() => questions.id),
    expertId: text('expert_id')
      .notNull()
      .references(() => users.id),
    wave: integer('wave').notNull(),
    score: doublePrecision('score').notNull(),
    reasons: jsonb('reasons').$type<Record<string, number>>().notNull(),
    state: text('state', { enum: ['open', 'claimed', 'expired', 'lost', 'released'] }).notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    // (question, state): "does this question have an open offer?" is asked of every waiting question each tick; on
    // (question) alone SQLite preferred the (state, expires) index and read every open offer per question.
    index('offers_question_state').on(t.questionId, t.state),
    // One index per expert serves an expert's open offers (newest first), every question they were offered, and the
    // offers of the last hour read at start-up. Every offer lands on a random leaf of it (experts are random), and each
    // such leaf is a page the commit writes: a second index on the expert would double those pages.
    index('offers_expert_state_created').on(t.expertId, t.state, t.createdAt),
    index('offers_state_expires').on(t.state, t.expiresAt),
  ],
);

export const replies = pgTable(
  'replies',
  {
    id: text('id').primaryKey(),
    questionId: text('question_id')
      .notNull()
      .references(() => questions.id),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id),
    text: text('text').notNull(),
    preview: text('preview').notNull(),
    weightedLength: integer('weighted_length').notNull(),
    status: text('status', { enum: ['in_review', 'approved', 'posted', 'rejected', 'failed'] }).notNull(),
    feedback: text('feedback'),
    reviewerId: text('reviewer_id'),
    externalId: text('external_id'),
    failureReason: text('failure_reason'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
    postedAt: bigint('posted_at', { mode: 'number' }),
  },
  (t) => [
    index('replies_question').on(t.questionId),
    index('replies_status').on(t.status),
    // An expert's replies newest first, all of them (the Answers page) or of one status, are read off these in order
    // rather than sorted per request, which for a prolific expert is slow (docs/architecture.md#why-some-rules-are-so).
    index('replies_author').on(t.authorId, t.status, t.createdAt),
    index('replies_author_created').on(t.authorId, t.createdAt),
    // The routing model replays answers in this order at start: read from an index, they stream from the first row,
    // where sorting all of them first would hold the event loop (services/routing-history.ts).
    index('replies_learned').on(t.updatedAt).where(sql`${t.status} in ('approved', 'posted')`),
  ],
);

export const outbox = pgTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    replyId: text('reply_id')
      .notNull()
      .unique()
      .references(() => replies.id),
    questionId: text('question_id')
      .notNull()
      .references(() => questions.id),
    channel: text('channel').notNull(),
    text: text('text').notNull(),
    inReplyToExternalId: text('in_reply_to_external_id').notNull(),
    state: text('state', { enum: ['pending', 'sending', 'sent', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: bigint('next_attempt_at', { mode: 'number' }).notNull(),
    lastError: text('last_error'),
    externalId: text('external_id'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('outbox_state_next').on(t.state, t.nextAttemptAt)],
);

export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    questionId: text('question_id'),
    actorId: text('actor_id'),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    at: bigint('at', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('events_question').on(t.questionId, t.id),
    // Only recognition reads events by type, and only the thank-yous; indexing every event by type cost each ingested
    // question two more index entries (its created and offered events) and the index grew with the whole audit log.
    index('events_thanked_at').on(t.at).where(sql`${t.type} = 'question.thanked'`),
  ],
);

/** Canned responses experts can start from; `tag` null means useful for any question. */
export const snippets = pgTable(
  'snippets',
  {
    id: text('id').primaryKey(),
    tag: text('tag'),
    title: text('title').notNull(),
    text: text('text').notNull(),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
    uses: integer('uses').notNull().default(0),
  },
  (t) => [index('snippets_tag').on(t.tag)],
);

/** Internal notes on a question (never public). `mentions` holds the user ids the note named, who may then see it. */
export const notes = pgTable(
  'notes',
  {
    id: text('id').primaryKey(),
    questionId: text('question_id')
      .notNull()
      .references(() => questions.id),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind', { enum: ['note', 'handoff'] })
      .notNull()
      .default('note'),
    text: text('text').notNull(),
    mentions: jsonb('mentions').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('notes_question').on(t.questionId, t.createdAt)],
);

export const channelCursors = pgTable('channel_cursors', {
  channel: text('channel').primaryKey(),
  sinceId: text('since_id'),
  brandUserId: text('brand_user_id'),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
});

/** A browser's Web Push subscription (RFC 8030): the push service's endpoint and the keys to encrypt for it (RFC 8291). */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    endpoint: text('endpoint').notNull().unique(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    userAgent: text('user_agent'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    lastSuccessAt: bigint('last_success_at', { mode: 'number' }),
    lastFailureAt: bigint('last_failure_at', { mode: 'number' }),
    failures: integer('failures').notNull().default(0),
  },
  (t) => [index('push_subscriptions_user').on(t.userId)],
);

/**
 * Notifications waiting to leave, written in the same transaction as the change they announce, so a crash between
 * commit and send neither loses nor repeats one: 'push' rows go to one subscription, 'chat' rows to the desk's
 * outgoing chat webhook.
 */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['push', 'chat'] }).notNull(),
    subscriptionId: text('subscription_id'),
    userId: text('user_id'),
    questionId: text('question_id'),
    topic: text('topic'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    urgency: text('urgency', { enum: ['very-low', 'low', 'normal', 'high'] })
      .notNull()
      .default('normal'),
    ttlSeconds: integer('ttl_seconds').notNull(),
    state: text('state', { enum: ['pending', 'sending', 'sent', 'failed', 'dropped'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: bigint('next_attempt_at', { mode: 'number' }).notNull(),
    lastError: text('last_error'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    sentAt: bigint('sent_at', { mode: 'number' }),
  },
  (t) => [index('notification_deliveries_state_next').on(t.state, t.nextAttemptAt)],
);

/** Keys the server generates once and must keep (the VAPID key pair: push subscriptions are bound to it). */
export const serverKeys = pgTable('server_keys', {
  name: text('name').primaryKey(),
  value: jsonb('value').$type<Record<string, string>>().notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});

export type UserRow = typeof users.$inferSelect;
export type QuestionRow = typeof questions.$inferSelect;
export type ReplyRow = typeof replies.$inferSelect;
export type OfferRow = typeof offers.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type TagRow = typeof tags.$inferSelect;
export type ProfileRow = typeof expertProfiles.$inferSelect;
export type SnippetRow = typeof snippets.$inferSelect;
export type NoteRow = typeof notes.$inferSelect;
export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;
export type NotificationDeliveryRow = typeof notificationDeliveries.$inferSelect;

/**
 * Messages between nodes too large for a NOTIFY payload (8,000 bytes): the notification carries the row's id, and
 * every node reads the body from here (server/cluster/relay.ts). Rows are deleted a minute after they were written.
 * PostgreSQL only: one SQLite node has no one to tell.
 */
export const clusterMessages = pgTable('cluster_messages', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  body: jsonb('body').$type<unknown>().notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
});

/**
 * Request limits counted for every node at once (the login and ingest limits): one row per route and caller, with
 * the count of the window that started at `window_start` (server/cluster/rate-limit-store.ts). PostgreSQL only: one
 * SQLite node counts in memory.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  windowStart: bigint('window_start', { mode: 'number' }).notNull(),
});
