// buildApp: the whole Helpforce server as one Fastify instance that never listens and never reads process.env.
// Order follows Fastify's loading guide: ecosystem plugins, our decorators, hooks, then routes.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from '@fastify/type-provider-zod';
import { startCheckpointer } from '../db/checkpointer.js';
import type { Db } from '../db/client.js';
import { closeStorage, openStorage, type Storage } from './storage.js';
import { createCluster } from './cluster/index.js';
import type { AppConfig } from './config.js';
import { systemClock, type Clock } from './domain/clock.js';
import authPlugin from './plugins/auth.js';
import { clientErrorHandler, frameworkErrors, installErrorHandler } from './plugins/error-handler.js';
import securityHeaders from './plugins/security-headers.js';
import servicesPlugin from './plugins/services.js';
import { answerRoutes } from './routes/answers.js';
import { authRoutes } from './routes/auth.js';
import { channelRoutes } from './routes/channels.js';
import { expertRoutes } from './routes/experts.js';
import { healthRoutes } from './routes/health.js';
import { insightRoutes } from './routes/insights.js';
import { liveRoutes } from './routes/live.js';
import { metricsRoutes } from './routes/metrics.js';
import { noteRoutes } from './routes/notes.js';
import { profileRoutes } from './routes/profile.js';
import { questionRoutes } from './routes/questions.js';
import { recognitionRoutes } from './routes/recognition.js';
import { pushRoutes } from './routes/push.js';
import { replyRoutes } from './routes/replies.js';
import { savedViewRoutes } from './routes/saved-views.js';
import { settingsRoutes } from './routes/settings.js';
import { snippetRoutes } from './routes/snippets.js';
import { tagRoutes } from './routes/tags.js';
import { tokenRoutes } from './routes/tokens.js';
import { userRoutes } from './routes/users.js';
import { wsRoutes } from './routes/ws.js';
import { bootstrapAdmin } from './services/bootstrap.js';
import type { ChannelAdapter } from './channels/channel.js';
import { createChannelRegistry } from './channels/registry.js';
import xChannel from './channels/x/plugin.js';
import webhookChannels from './channels/webhook/plugin.js';

export interface AppDeps {
  clock?: Clock;
  db?: Db;
  /** Extra channel adapters (tests); the X and Bluesky adapters are added from config.x and config.bluesky. */
  channelAdapters?: ChannelAdapter[];
  logger?: FastifyServerOptions['logger'];
  /** Background timers (waves, outbox, metrics ticks, polling). Tests that drive time by hand turn them off. */
  timers?: boolean;
}

const webRoot = fileURLToPath(new URL('../web/dist/', import.meta.url));

/**
 * The page and the service worker are checked with the server on every load (no-cache), so a release reaches an
 * installed app at once; the manifest gets its registered media type.
 */
function webAppHeaders(reply: { header(name: string, value: string): unknown }, path: string): void {
  if (path.endsWith('.webmanifest')) reply.header('content-type', 'application/manifest+json; charset=utf-8');
  if (path.endsWith('sw.js') || path.endsWith('index.html')) reply.header('cache-control', 'no-cache');
}

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.csrfToken',
  '*.accessSecret',
  '*.appSecret',
];

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export async function buildApp(config: AppConfig, deps: AppDeps = {}) {
  const app = Fastify({
    logger: deps.logger ?? {
      level: config.logLevel,
      redact: REDACTED_PATHS,
      ...(config.prettyLogs
        ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } }
        : {}),
    },
    bodyLimit: 64 * 1024,
    // A hop count trusts that many proxies in front of the server (the function form, which Fastify's types accept).
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(config.trustProxy)
        : (config.trustProxy ?? false),
    // A client's X-Request-Id is kept (to follow a request across systems) only if it is a plain token: it goes into
    // every log line and back out as a header.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
    },
    forceCloseConnections: true,
    // A path parameter longer than maxParamLength makes the router skip the route for the static files' wildcard
    // (403 or 404 there). As long as a request line may be, an over-long id reaches its route and its schema's 400.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const storage: Storage = deps.db ? { engine: 'sqlite', db: deps.db } : await openStorage(config);
  const checkpointer =
    !deps.db && storage.engine === 'sqlite'
      ? startCheckpointer(storage.db.$client, app.log.child({ component: 'db' }))
      : null;
  if (!deps.db) {
    app.addHook('onClose', async () => {
      await checkpointer?.stop();
      await closeStorage(storage);
    });
  }
  const clock = deps.clock ?? systemClock;

  await app.register(cookie);
  await app.register(securityHeaders, {
    helmet: {
      // upgrade-insecure-requests would break a plain-http deployment; it belongs with HTTPS (SECURE_COOKIES).
      contentSecurityPolicy: {
        directives: {
          'connect-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'upgrade-insecure-requests': config.secureCookies ? [] : null,
        },
      },
      strictTransportSecurity: config.secureCookies,
    },
  });
  // Limits count in memory on one node; on PostgreSQL they count in the database, so they hold across nodes.
  await app.register(rateLimit, {
    global: false,
    ...(storage.engine === 'postgres'
      ? { store: (await import('./cluster/rate-limit-store.js')).postgresRateLimitStore(storage.db) }
      : {}),
  });
  await app.register(swagger, {
    openapi: { info: { title: 'Helpforce API', version: '1.0.0', description: 'Employee-expert answer network' } },
    transform: jsonSchemaTransform,
  });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  const cluster = await createCluster(
    storage,
    { url: config.databaseUrl, nodeId: config.nodeId },
    app.log.child({ component: 'cluster' }),
  );
  await app.register(servicesPlugin, {
    storage,
    cluster,
    clock,
    config,
    channelAdapters: createChannelRegistry(deps.channelAdapters),
    timers: deps.timers ?? true,
  });
  await app.register(authPlugin);
  if (config.x) await app.register(xChannel, { x: config.x });
  // Loaded only when configured: the Bluesky agent's lexicons and the Mastodon client hold ~60 MB a server that does
  // not use them should not carry.
  if (config.bluesky)
    await app.register((await import('./channels/bluesky/plugin.js')).default, { bluesky: config.bluesky });
  if (config.mastodon)
    await app.register((await import('./channels/mastodon/plugin.js')).default, { mastodon: config.mastodon });
  await app.register(webhookChannels, { allowLocal: config.push?.allowLocalEndpoints ?? false });
  // Every channel's ingest (the X poller, …) starts once the app is ready and stops before the database closes.
  if (deps.timers ?? true) {
    // Polled by the leading node only, so each post is fetched once; another node takes over if it goes.
    app.addHook('onReady', async () =>
      app.services.cluster.leadership.onChange((leading) =>
        leading ? app.services.channelAdapters.start() : app.services.channelAdapters.stop(),
      ),
    );
    app.addHook('preClose', async () => app.services.channelAdapters.stop());
  }

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // API answers are per user and change by the second: no browser or proxy may keep one.
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });
  installErrorHandler(app);

  await app.register(healthRoutes);
  await app.register(authRoutes, { secureCookies: config.secureCookies });
  await app.register(userRoutes);
  await app.register(tokenRoutes);
  await app.register(profileRoutes);
  await app.register(expertRoutes);
  await app.register(tagRoutes);
  await app.register(questionRoutes, { ingestPerMinute: config.ingestRateLimitPerMinute ?? 600 });
  await app.register(savedViewRoutes);
  await app.register(replyRoutes);
  await app.register(settingsRoutes);
  await app.register(channelRoutes);
  await app.register(metricsRoutes);
  await app.register(liveRoutes);
  await app.register(answerRoutes);
  await app.register(snippetRoutes);
  await app.register(noteRoutes);
  await app.register(insightRoutes);
  await app.register(recognitionRoutes);
  await app.register(pushRoutes);
  await app.register(wsRoutes, { allowedOrigins: config.allowedOrigins ?? [] });
  app.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());
  if (existsSync(webRoot))
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', index: 'index.html', setHeaders: webAppHeaders });

  await bootstrapAdmin(app.services, config.admin, app.log);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
