// Every repository over PostgreSQL: the same interfaces as ../index.ts, so services run unchanged on either engine.
// The handle `db` routes each query to the unit of work it is made in, or to the pool (./connection.ts).
import type { PgDb } from '../../../db/pg/client.js';
import type { Repositories } from '../index.js';
import { createAnswerRepository } from './answers.js';
import { createApiTokenRepository } from './api-tokens.js';
import { createAuditLogRepository } from './audit-log.js';
import { createChannelCursorRepository } from './channel-cursors.js';
import { createChannelSecretRepository } from './channel-secrets.js';
import { createChannelTrafficRepository } from './channel-traffic.js';
import { createExpertRepository } from './experts.js';
import { createHealthRepository } from './health.js';
import { createInsightsRepository } from './insights.js';
import { createIntakeRepository } from './intake.js';
import { createMessageRepository } from './messages.js';
import { createMetricsRepository } from './metrics.js';
import { createNameRepository } from './names.js';
import { createNoteRepository } from './notes.js';
import { createNotificationRepository } from './notifications.js';
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

/** `sendingLeaseMs`: how long a post or push another node has out stays theirs (./outbox.ts). */
export function createPgRepositories(db: PgDb, options: { sendingLeaseMs?: number } = {}): Repositories {
  return {
    answers: createAnswerRepository(db),
    apiTokens: createApiTokenRepository(db),
    auditLog: createAuditLogRepository(db),
    channelCursors: createChannelCursorRepository(db),
    channelSecrets: createChannelSecretRepository(db),
    channelTraffic: createChannelTrafficRepository(db),
    experts: createExpertRepository(db),
    health: createHealthRepository(db),
    insights: createInsightsRepository(db),
    intake: createIntakeRepository(db),
    messages: createMessageRepository(db),
    metrics: createMetricsRepository(db),
    names: createNameRepository(db),
    notes: createNoteRepository(db),
    notifications: createNotificationRepository(db, options),
    offers: createOfferRepository(db),
    outbox: createOutboxRepository(db, options),
    pushSubscriptions: createPushSubscriptionRepository(db),
    questions: createQuestionRepository(db),
    questionTags: createQuestionTagRepository(db),
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
