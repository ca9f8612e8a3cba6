// The composition root: builds every service once per app from the database, the clock and the config, and exposes
// them as `app.services`. Background work (wave timers, outbox, metrics ticks) starts when the app is ready and stops
// when it closes, so a test app built and closed per test leaves nothing running.
import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../../db/client.js';
import { repositoriesOf, type Storage } from '../storage.js';
import type { Cluster } from '../cluster/index.js';
import type { AppConfig } from '../config.js';
import type { Clock } from '../domain/clock.js';
import { createRouter } from '../domain/routing/index.js';
import { createAnalytics } from '../services/analytics.js';
import { createAccountService } from '../services/accounts.js';
import { createAnswerService } from '../services/answers.js';
import { createAuthService } from '../services/auth.js';
import { createChannelStatus } from '../services/channel-status.js';
import { createDispatcher } from '../services/dispatcher.js';
import { createExpertService } from '../services/experts.js';
import { createMetricsService } from '../services/metrics.js';
import { createSentimentMetrics } from '../services/sentiment-metrics.js';
import { createNoteService } from '../services/notes.js';
import { createOutbox } from '../services/outbox.js';
import type { ChannelRegistry } from '../channels/registry.js';
import { createQuestionAccess } from '../services/question-access.js';
import { createIngestService } from '../services/ingest.js';
import { createQuestionService } from '../services/questions.js';
import { createRealtimeHub } from '../services/realtime-hub.js';
import { createReplyService } from '../services/replies.js';
import { createSettingsService } from '../services/settings.js';
import { createSnippetService } from '../services/snippets.js';
import { createSpamService } from '../services/spam.js';
import { createTagService } from '../services/tags.js';
import { createPresenters } from '../services/presenters.js';
import { createRoutingModel } from '../services/routing-model.js';
import { createNotifier } from '../listeners/notifier.js';
import { createLiveMetrics } from '../listeners/live-metrics.js';
import { createRealtimeListener } from '../listeners/realtime.js';
import { createRoutingListener } from '../listeners/routing.js';
import { createSpamListener } from '../listeners/spam.js';
import { createEventBus } from '../events/unit-of-work.js';
import { readSides } from '../repositories/index.js';
import { createSlaWatch } from '../listeners/sla-watch.js';
import { createPush, createTransport } from '../services/push.js';

export interface ServiceOptions {
  storage: Storage;
  /** This node among the others on one database (server/cluster/): who leads, and the relay between them. */
  cluster: Cluster;
  clock: Clock;
  config: AppConfig;
  /** Every channel's adapter: the outbox posts through them, replies are measured by their length rules. */
  channelAdapters: ChannelRegistry;
  timers: boolean;
}

export function createServices(
  { storage, cluster, clock, config, channelAdapters }: ServiceOptions,
  log: FastifyBaseLogger,
) {
  // Use cases write through units of work; what follows a change (live messages, routing, indexing, posting) is
  // done by the listeners subscribed below, after the change has committed.
  const events = createEventBus(log.child({ component: 'events' }));
  const { repositories, uow } = repositoriesOf(storage, events, { sendingLeaseMs: config.sendingLeaseMs });
  /** Services read through `data`; they write only inside `uow.run`, whose unit holds every repository's writes. */
  const data = readSides(repositories);
  // Every service learns through the model's router, so what it learns while the history replays is queued.
  const routingModel = createRoutingModel(
    data.routingHistory,
    createRouter({ k: config.routing.k, maxOffersPerHour: config.routing.maxOffersPerHour, requireOnline: true }),
    {
      replayBeforeListen: config.routing.replayBeforeListen,
      sliceMs: config.routing.replaySliceMs,
    },
  );
  const router = routingModel.router;
  const hub = createRealtimeHub(clock);
  const presenters = createPresenters(data);
  const pushTransport = createTransport(config.push);
  const settings = createSettingsService(
    { data, uow },
    {
      checkWebhookUrl: (url) => pushTransport.checkForm(url, 'webhook'),
      onChange: () => cluster.reloadElsewhere('settings'),
    },
  );
  const tags = createTagService({ data, uow, clock, onChange: () => cluster.reloadElsewhere('tags') });
  const auth = createAuthService({ data, uow, clock, connections: hub });
  const experts = createExpertService({
    data,
    uow,
    clock,
    router,
    hub,
    announce: (userId) => cluster.expertChanged(userId),
  });
  const dispatcher = createDispatcher({ data, clock, router, uow, config: config.routing });
  const questions = createQuestionService({ data, clock, uow, presenters, tags, experts, dispatcher });
  const spam = createSpamService(data.spamExamples);
  const ingest = createIngestService({
    spam,
    clock,
    router,
    uow,
    presenters,
    tags,
    dispatcher,
    config: config.routing,
    negativeSlaMs: () => {
      const minutes = settings.get().negativeSlaMinutes;
      return minutes === null ? null : minutes * 60_000;
    },
  });
  const outbox = createOutbox({
    data,
    clock,
    uow,
    presenters,
    channels: channelAdapters,
    log: log.child({ component: 'outbox' }),
  });
  const access = createQuestionAccess(data);
  const answers = createAnswerService({ data, access });
  const replies = createReplyService({
    data,
    clock,
    uow,
    presenters,
    experts,
    tags,
    policy: () => settings.get().reviewPolicy,
    attributionTemplate: settings.attributionFor,
    lengthRule: channelAdapters.lengthRule,
  });
  events.subscribe(createRealtimeListener(hub, presenters));
  // Changes committed on other nodes (server/cluster/) reach the listeners that keep this node's memory in step: the
  // routing model, the similar-answers index, the spam examples. Their sockets, posts and pushes were seen to there.
  const followers = createEventBus(log.child({ component: 'events', from: 'other nodes' }));
  const routingListener = (refreshExpert: (expertId: string) => Promise<void>, countOffers = false) =>
    createRoutingListener({
      countOffers,
      clock,
      router,
      presenters,
      refreshExpert,
      indexAnswer: (reply) =>
        void answers
          .indexReply(reply)
          .catch((err: unknown) => log.error({ err }, 'indexing an approved answer failed')),
      wakeOutbox: () => void outbox.run(),
      log: log.child({ component: 'routing' }),
    });
  events.subscribe(createSpamListener(spam));
  events.subscribe(routingListener((expertId) => experts.refresh(expertId)));
  followers.subscribe(createSpamListener(spam));
  // The node where the change was made reads the expert again and says so (experts.refresh announces it).
  // Offers made there count toward an expert's hourly cap here too.
  followers.subscribe(routingListener(async () => undefined, true));
  const metrics = createMetricsService({ data, clock });
  const sentimentMetrics = createSentimentMetrics({ data, clock });
  // Web Push and the chat webhook: a device subscribing makes its expert reachable with no tab open (routing), and
  // the notifier turns the hub's events into queued notifications.
  const push = createPush({
    data,
    uow,
    clock,
    config: config.push,
    transport: pushTransport,
    log: log.child({ component: 'push' }),
    webhookUrl: () => settings.get().alertWebhook.url,
    onDevicesChanged: (userId) => {
      void experts
        .pushChanged(userId)
        .catch((err: unknown) => log.error({ err, userId }, 'reading whether an expert is reachable failed'));
      dispatcher.rosterChanged();
    },
  });
  const notifier = createNotifier({
    uow,
    data,
    clock,
    hub,
    presenters,
    webhook: () => settings.get().alertWebhook,
    wake: push.sender.wake,
    config: config.routing,
    log: log.child({ component: 'notifier' }),
  });
  const slaWatch = createSlaWatch({
    data,
    uow,
    clock,
    presenters,
    slaMs: config.routing.slaMs,
    announce: notifier.announce,
  });
  dispatcher.onTick((now) => slaWatch.tick(now));
  const channels = createChannelStatus();
  // Knowledge reuse and the feedback loop: snippets, internal notes and hand-offs, the insight digest and recognition
  // (computed on a thread of their own: services/analytics.ts).
  const snippets = createSnippetService({ data, uow, clock });
  const accounts = createAccountService({
    auth,
    experts,
    hub,
    subscriptions: push.subscriptions,
    questions,
    replies,
    dispatcher,
  });
  const notes = createNoteService({ data, clock, uow, access, questions });
  const analytics = createAnalytics({
    data,
    databaseFile: storage.engine === 'sqlite' && !storage.db.$client.memory ? storage.db.$client.name : null,
    databaseUrl: storage.engine === 'postgres' ? config.databaseUrl : undefined,
    clock,
    tags,
    log: log.child({ component: 'analytics' }),
  });
  hub.onPresence((userId, online, announce) => {
    // The router hears of it at once; the presence message follows once the profile is read.
    void experts
      .setOnline(userId, online, announce)
      .catch((err: unknown) => log.error({ err, userId }, 'announcing an expert presence failed'));
    if (online) dispatcher.rosterChanged();
  });
  /**
   * Experts who take questions (on the roster and Available), counted as the router reaches them: with the app open,
   * and reachable at all (app or push). A manager watching the dashboard is not one, nor is an expert set to Away.
   */
  const expertPresence = () => router.presence();
  const liveMetrics = createLiveMetrics({
    hub,
    events: {
      subscribe(listener) {
        events.subscribe(listener);
        followers.subscribe(listener);
      },
    },
    live: () => metrics.live(expertPresence()),
  });
  cluster.connect({
    hub,
    events,
    followers,
    refreshExpert: (userId) => experts.refreshHere(userId),
    channels,
  });
  cluster.onReload('tags', () => tags.load());
  cluster.onReload('settings', () => settings.load());
  return {
    storage,
    cluster,
    /** The SQLite database, for the scripts and tests that read it directly; there is none on PostgreSQL. */
    get db(): Db {
      if (storage.engine !== 'sqlite')
        throw new Error('services.db is the SQLite database; this app runs on PostgreSQL');
      return storage.db;
    },
    clock,
    events,
    data,
    uow,
    spam,
    accounts,
    router,
    routingModel,
    hub,
    presenters,
    settings,
    tags,
    auth,
    experts,
    dispatcher,
    ingest,
    questions,
    outbox,
    replies,
    metrics,
    sentimentMetrics,
    channels,
    channelAdapters,
    access,
    answers,
    snippets,
    notes,
    analytics,
    push,
    notifier,
    expertPresence,
    liveMetrics,
  };
}
export type Services = ReturnType<typeof createServices>;

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export default fp<ServiceOptions>(
  async (app, options) => {
    const services = createServices(options, app.log);
    app.decorate('services', services);
    // Tags and settings are answered from memory (every question is classified against the tags, every reply reads
    // the settings), so they are read before anything is served.
    await Promise.all([services.tags.load(), services.settings.load()]);
    // Each step is timed: on a large history they are what a restart waits for.
    const ms: Record<string, number> = {};
    const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        return await work();
      } finally {
        ms[step] = Math.round(performance.now() - started);
      }
    };
    const experts = await timed('roster', () => services.experts.loadRoster());
    const routing = await timed('routing', () => services.routingModel.load());
    const spamExamples = await timed('spam', () => services.spam.load());
    const recovered = await timed('outbox', () => services.outbox.recover());
    const notifications = await timed('notifications', async () => ({
      resent: await services.push.sender.recover(),
      reconciled: await services.notifier.reconcile(),
    }));
    app.log.info(
      { experts, routing, spamExamples, recoveredOutbox: recovered, notifications, ms },
      'routing state loaded',
    );
    if (routing.inBackground) {
      const replaying = performance.now();
      void services.routingModel.ready().then(
        (learned) => app.log.info({ learned, ms: Math.round(performance.now() - replaying) }, 'routing model replayed'),
        (error: unknown) =>
          app.log.error({ err: error }, 'routing model replay failed; routing uses what was learned so far'),
      );
    }
    // The similar-answers index fills in while the server already serves (it is only a suggestion list).
    const indexing = performance.now();
    void services.answers.rebuild().then(
      (indexedAnswers) =>
        app.log.info({ indexedAnswers, ms: Math.round(performance.now() - indexing) }, 'similar-answers index built'),
      (error: unknown) => app.log.error({ err: error }, 'similar-answers index rebuild failed'),
    );
    // The metrics' hour cache likewise, so the dashboard's first request after a restart does not read every hour.
    const warming = performance.now();
    void services.metrics.warm().then(
      (warm) => {
        if (warm) app.log.info({ ms: Math.round(performance.now() - warming) }, 'metrics cache warm');
      },
      (error: unknown) => app.log.error({ err: error }, 'metrics warm-up failed; requests read what they need'),
    );
    app.addHook('preClose', async () => {
      await Promise.all([
        services.answers.stop(),
        services.routingModel.stop(),
        services.metrics.stop(),
        services.analytics.stop(),
      ]);
    });

    // Sockets go first, so no presence change reaches a database that is closing.
    app.addHook('preClose', async () => services.hub.closeAll());
    // Notifications the last events queued are written; pushes in flight finish (each has a timeout).
    app.addHook('onClose', async () => {
      await services.notifier.flush();
      await services.push.sender.stop();
    });
    // This node joins the others (a no-op on SQLite) once its state is loaded, and leaves before the database closes.
    app.addHook('onReady', async () => services.cluster.start());
    app.addHook('preClose', async () => services.cluster.stop());
    if (!options.timers) return;
    const timers: NodeJS.Timeout[] = [];
    // A failing tick (e.g. SQLITE_BUSY while another process holds the write lock past busy_timeout) is logged and
    // retried on the next one; thrown from a timer it would take the whole server down.
    const every = (ms: number, what: string, work: () => unknown) =>
      setInterval(() => {
        Promise.resolve()
          .then(work)
          .catch((error: unknown) => app.log.error({ err: error }, `${what} failed; retrying on the next tick`));
      }, ms);
    app.addHook('onReady', async () => {
      // Waves and the SLA watch run on the leading node only; any node posts and pushes (each item is taken by one).
      timers.push(
        every(1000, 'dispatcher tick', () =>
          services.cluster.leadership.isLeader() ? services.dispatcher.run() : undefined,
        ),
      );
      timers.push(every(1000, 'outbox run', () => services.outbox.run()));
      timers.push(every(1000, 'push sender', () => services.push.sender.tick()));
      // With several nodes a push left out by a node that died is found by its lease, by whichever node looks next.
      // (The outbox looks at the start of every run.)
      if (services.storage.engine === 'postgres')
        timers.push(every(30_000, 'abandoned pushes', () => services.push.sender.recover()));
      timers.push(every(1000, 'metrics tick', () => services.liveMetrics.tick()));
      for (const timer of timers) timer.unref();
      void services.outbox.run();
    });
    app.addHook('onClose', async () => {
      for (const timer of timers) clearInterval(timer);
      await services.outbox.idle();
    });
  },
  { name: 'services' },
);
