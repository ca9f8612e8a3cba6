// Every repository over one database. A repository owns its tables' SQL and has two sides: `read`, which services
// hold, and `write`, reachable only inside a unit of work (server/events/unit-of-work.ts), so that every write is part
// of a transaction and no write can slip into someone else's. Methods are asynchronous whatever the engine: the
// SQLite implementations run synchronously inside, and a second engine is a second set of these factories.
import type { Db } from '../../db/client.js';
import { createAnswerRepository } from './answers.js';
import { createApiTokenRepository } from './api-tokens.js';
import { createAuditLogRepository } from './audit-log.js';
import { createChannelCursorRepository } from './channel-cursors.js';
import { createChannelSecretRepository } from './channel-secrets.js';
import { createChannelTrafficRepository } from './channel-traffic.js';
import { createHealthRepository } from './health.js';
import { createInsightsRepository } from './insights.js';
import { createIntakeRepository } from './intake.js';
import { createMetricsRepository } from './metrics.js';
import { createExpertRepository } from './experts.js';
import { createNoteRepository } from './notes.js';
import { createNotificationRepository } from './notifications.js';
import { createMessageRepository } from './messages.js';
import { createNameRepository } from './names.js';
import { createOfferRepository } from './offers.js';
import { createOutboxRepository } from './outbox.js';
import { createPushSubscriptionRepository } from './push-subscriptions.js';
import { createQuestionTagRepository } from './question-tags.js';
import { createQuestionRepository } from './questions.js';
import { createRecognitionRepository } from './recognition.js';
import { createReplyRepository } from './replies.js';
import { createRoutingHistoryRepository } from './routing-history.js';
import { createSavedViewRepository } from './saved-views.js';
import { createSentimentRepository } from './sentiment.js';
import { createServerKeyRepository } from './server-keys.js';
import { createSessionRepository } from './sessions.js';
import { createSettingsRepository } from './settings.js';
import { createSlaWatchRepository } from './sla-watch.js';
import { createSnippetRepository } from './snippets.js';
import { createSpamExampleRepository } from './spam-examples.js';
import { createTagRepository } from './tags.js';
import { createUserRepository } from './users.js';

export function createRepositories(db: Db) {
  // Written together with a new question (./intake.ts), so the intake shares their statements.
  const written = {
    questions: createQuestionRepository(db),
    questionTags: createQuestionTagRepository(db),
    offers: createOfferRepository(db),
    auditLog: createAuditLogRepository(db),
  };
  return {
    answers: createAnswerRepository(db),
    apiTokens: createApiTokenRepository(db),
    auditLog: written.auditLog,
    channelCursors: createChannelCursorRepository(db),
    channelSecrets: createChannelSecretRepository(db),
    channelTraffic: createChannelTrafficRepository(db),
    experts: createExpertRepository(db),
    health: createHealthRepository(db),
    insights: createInsightsRepository(db),
    intake: createIntakeRepository({
      questions: written.questions.write,
      questionTags: written.questionTags.write,
      offers: written.offers.write,
      auditLog: written.auditLog.write,
    }),
    messages: createMessageRepository(db),
    metrics: createMetricsRepository(db),
    names: createNameRepository(db),
    notes: createNoteRepository(db),
    notifications: createNotificationRepository(db),
    offers: written.offers,
    outbox: createOutboxRepository(db),
    pushSubscriptions: createPushSubscriptionRepository(db),
    questions: written.questions,
    questionTags: written.questionTags,
    recognition: createRecognitionRepository(db),
    replies: createReplyRepository(db),
    routingHistory: createRoutingHistoryRepository(db),
    savedViews: createSavedViewRepository(db),
    sentiment: createSentimentRepository(db),
    serverKeys: createServerKeyRepository(db),
    sessions: createSessionRepository(db),
    settings: createSettingsRepository(db),
    slaWatch: createSlaWatchRepository(db),
    snippets: createSnippetRepository(db),
    spamExamples: createSpamExampleRepository(db),
    tags: createTagRepository(db),
    users: createUserRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
type Repository = { read: object; write: object };
/** What services hold: every repository's reads. */
export type ReadRepositories = { [K in keyof Repositories]: Repositories[K]['read'] };
/** What a unit of work holds: every repository's reads and writes. */
export type UnitRepositories = { [K in keyof Repositories]: Repositories[K]['read'] & Repositories[K]['write'] };

/** The read sides, for services. */
export function readSides(repositories: Repositories): ReadRepositories {
  return Object.fromEntries(
    Object.entries(repositories as Record<string, Repository>).map(([name, repository]) => [name, repository.read]),
  ) as ReadRepositories;
}
