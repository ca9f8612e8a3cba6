// One schema for the whole product. Times are integer milliseconds since the epoch (cheap to index and compare;
// the API turns them into ISO strings). Ids are time-sortable strings (server/domain/ids.ts).
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: ['expert', 'manager', 'admin'] }).notNull(),
  passwordHash: text('password_hash').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  /** Set when an admin gave the account a temporary password: it must choose its own before anything else. */
  mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
});

export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    role: text('role', { enum: ['expert', 'manager', 'admin'] }).notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: integer('created_at').notNull(),
    /** null: the token never expires. */
    expiresAt: integer('expires_at'),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('api_tokens_user').on(t.userId)],
);

export const expertProfiles = sqliteTable('expert_profiles', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id),
  handle: text('handle'),
  signature: text('signature').notNull(),
  capacity: integer('capacity').notNull().default(3),
  availability: text('availability', { enum: ['available', 'away'] })
    .notNull()
    .default('available'),
  generalist: integer('generalist', { mode: 'boolean' }).notNull().default(false),
  schedule: text('schedule', { mode: 'json' }).$type<{
    timezone: string;
    slots: { day: number; start: number; end: number }[];
  } | null>(),
  store: text('store'),
  simulated: integer('simulated', { mode: 'boolean' }).notNull().default(false),
  updatedAt: integer('updated_at').notNull(),
});

export const expertSkills = sqliteTable(
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

export const tags = sqliteTable('tags', {
  slug: text('slug').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  keywords: text('keywords', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
  sensitive: integer('sensitive', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
});

export const questions = sqliteTable(
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
    sentimentScore: real('sentiment_score'),
    status: text('status').notNull(),
    assigneeId: text('assignee_id').references(() => users.id),
    /** Why the question needs a manager's eye: 'no-tag', 'no-match' (went to generalists), 'no-expert'. */
    flag: text('flag'),
    dismissReason: text('dismiss_reason'),
    wave: integer('wave').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    receivedAt: integer('received_at').notNull(),
    slaDueAt: integer('sla_due_at').notNull(),
    claimedAt: integer('claimed_at'),
    firstReplyAt: integer('first_reply_at'),
    escalatedAt: integer('escalated_at'),
    updatedAt: integer('updated_at').notNull(),
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

export const questionTags = sqliteTable(
  'question_tags',
  {
    questionId: text('question_id')
      .notNull()
      .references(() => questions.id),
    slug: text('slug').notNull(),
    confidence: real('confidence').notNull(),
    source: text('source', { enum: ['rules', 'model', 'manual'] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.questionId, t.slug] }), index('question_tags_slug').on(t.slug)],
);

/** Posts in a question's public thread after the first one: customer follow-ups and the brand's replies. */
export const messages = sqliteTable(
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
    at: integer('at').notNull(),
    /** A customer's post only (direction 'in'): the shift after an answer compares it with the question's. */
    sentimentLabel: text('sentiment_label', { enum: ['negative', 'neutral', 'positive'] }),
    sentimentScore: real('sentiment_score'),
  },
  (t) => [index('messages_question').on(t.questionId, t.at), uniqueIndex('messages_external').on(t.externalId)],
);

export const offers = sqliteTable(
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
    score: real('score').notNull(),
    reasons: text('reasons', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    state: text('state', { enum: ['open', 'claimed', 'expired', 'lost', 'released'] }).notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
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

export const replies = sqliteTable(
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
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    postedAt: integer('posted_at'),
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

export const outbox = sqliteTable(
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
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    externalId: text('external_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('outbox_state_next').on(t.state, t.nextAttemptAt)],
);

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    questionId: text('question_id'),
    actorId: text('actor_id'),
    type: text('type').notNull(),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    at: integer('at').notNull(),
  },
  (t) => [
    index('events_question').on(t.questionId, t.id),
    // Only recognition reads events by type, and only the thank-yous; indexing every event by type cost each ingested
    // question two more index entries (its created and offered events) and the index grew with the whole audit log.
    index('events_thanked_at').on(t.at).where(sql`${t.type} = 'question.thanked'`),
  ],
);

/** Canned responses experts can start from; `tag` null means useful for any question. */
export const snippets = sqliteTable(
  'snippets',
  {
    id: text('id').primaryKey(),
    tag: text('tag'),
    title: text('title').notNull(),
    text: text('text').notNull(),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    uses: integer('uses').notNull().default(0),
  },
  (t) => [index('snippets_tag').on(t.tag)],
);

/** Internal notes on a question (never public). `mentions` holds the user ids the note named, who may then see it. */
export const notes = sqliteTable(
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
    mentions: text('mentions', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('notes_question').on(t.questionId, t.createdAt)],
);

export const channelCursors = sqliteTable('channel_cursors', {
  channel: text('channel').primaryKey(),
  sinceId: text('since_id'),
  brandUserId: text('brand_user_id'),
  updatedAt: integer('updated_at').notNull(),
});

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).$type<unknown>().notNull(),
});

/** A browser's Web Push subscription (RFC 8030): the push service's endpoint and the keys to encrypt for it (RFC 8291). */
export const pushSubscriptions = sqliteTable(
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
    createdAt: integer('created_at').notNull(),
    lastSuccessAt: integer('last_success_at'),
    lastFailureAt: integer('last_failure_at'),
    failures: integer('failures').notNull().default(0),
  },
  (t) => [index('push_subscriptions_user').on(t.userId)],
);

/**
 * Notifications waiting to leave, written in the same transaction as the change they announce, so a crash between
 * commit and send neither loses nor repeats one: 'push' rows go to one subscription, 'chat' rows to the desk's
 * outgoing chat webhook.
 */
export const notificationDeliveries = sqliteTable(
  'notification_deliveries',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['push', 'chat'] }).notNull(),
    subscriptionId: text('subscription_id'),
    userId: text('user_id'),
    questionId: text('question_id'),
    topic: text('topic'),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    urgency: text('urgency', { enum: ['very-low', 'low', 'normal', 'high'] })
      .notNull()
      .default('normal'),
    ttlSeconds: integer('ttl_seconds').notNull(),
    state: text('state', { enum: ['pending', 'sending', 'sent', 'failed', 'dropped'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [index('notification_deliveries_state_next').on(t.state, t.nextAttemptAt)],
);

/** Keys the server generates once and must keep (the VAPID key pair: push subscriptions are bound to it). */
export const serverKeys = sqliteTable('server_keys', {
  name: text('name').primaryKey(),
  value: text('value', { mode: 'json' }).$type<Record<string, string>>().notNull(),
  createdAt: integer('created_at').notNull(),
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
