// Environment → validated configuration. The only place that knows about environment variable names; buildApp()
// receives the parsed object and never reads process.env itself.
import { z } from 'zod';

const optionalText = z.string().trim().min(1).optional();
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('./data/helpforce.db'),
  // Set, PostgreSQL is the database (several nodes may share it) and no SQLite file is opened.
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  /** With several nodes: how long a post or push another node has out is left to it before it counts as abandoned. */
  SENDING_LEASE_S: z.coerce.number().min(1).max(3600).default(120),
  /** This node's name in /health and the logs; the host name and process id when unset. */
  NODE_ID: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'NODE_ID: letters, digits, ".", "_" or "-", at most 64')
    .optional(),
  // Accepted and ignored: sessions are random server-side tokens, so nothing is signed with it.
  SESSION_SECRET: z.string().optional(),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(8, 'ADMIN_PASSWORD must be at least 8 characters').optional(),
  X_API_BASE_URL: z.url().optional(),
  X_APP_KEY: optionalText,
  X_APP_SECRET: optionalText,
  X_ACCESS_TOKEN: optionalText,
  X_ACCESS_SECRET: optionalText,
  X_POLL_INTERVAL_S: z.coerce.number().min(1).max(3600).default(60),
  X_SEARCH_QUERY: optionalText,
  MASTODON_URL: z.url().optional(),
  MASTODON_ACCESS_TOKEN: optionalText,
  MASTODON_POLL_INTERVAL_S: z.coerce.number().min(1).max(3600).default(30),
  BLUESKY_SERVICE_URL: z.url().default('https://bsky.social'),
  BLUESKY_IDENTIFIER: optionalText,
  BLUESKY_APP_PASSWORD: optionalText,
  BLUESKY_POLL_INTERVAL_S: z.coerce.number().min(1).max(3600).default(60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `pretty` (one readable line per entry) or `json`; unset: pretty on a terminal outside production, else JSON. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  SECURE_COOKIES: flag.optional(),
  DEMO: flag.optional(),
  DEMO_INTERVAL_S: z.coerce.number().min(0.1).max(3600).default(6),
  SLA_MINUTES: z.coerce.number().min(1).max(10080).default(30),
  WAVE_SECONDS: z.coerce.number().min(1).max(86400).default(120),
  ESCALATE_SECONDS: z.coerce.number().min(1).max(604800).default(600),
  OFFER_K: z.coerce.number().int().min(1).max(50).default(3),
  MAX_OFFERS_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(20),
  PUSH_ALLOW_LOCAL_ENDPOINTS: flag.optional(),
  VAPID_PUBLIC_KEY: optionalText,
  VAPID_PRIVATE_KEY: optionalText,
  VAPID_SUBJECT: z
    .string()
    .trim()
    .regex(/^(mailto:|https:)/, 'VAPID_SUBJECT must be a mailto: or https: URL')
    .optional(),
  // Behind a reverse proxy: which proxy to believe about the client's address (X-Forwarded-For), so per-address limits
  // count clients rather than the proxy. 'true' (any), a hop count, or comma-separated addresses or CIDR ranges.
  TRUST_PROXY: z
    .string()
    .trim()
    .optional()
    .transform((value): boolean | number | string[] => {
      if (value === undefined || value === '' || value === 'false') return false;
      if (value === 'true') return true;
      if (/^\d+$/.test(value)) return Number(value);
      return value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
    }),
  INGEST_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  // Comma-separated origins (https://desk.example.com) besides the server's own that may open the live channel.
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url().transform((url) => new URL(url).origin))),
});

export interface RoutingConfig {
  k: number;
  waveMs: number;
  escalateMs: number;
  maxOffersPerHour: number;
  slaMs: number;
  holdMs: number;
  /** A history of up to this many answers is replayed into the routing model before the server listens; a larger
   * one after (see services/routing-history.ts), so a start never waits long for it (the cost per answer:
   * docs/architecture.md#why-some-rules-are-so). */
  replayBeforeListen: number;
  /** How long one slice of a background replay may hold the event loop. */
  replaySliceMs: number;
}

export interface XChannelConfig {
  baseUrl?: string;
  credentials: { appKey: string; appSecret: string; accessToken: string; accessSecret: string };
  pollIntervalMs: number;
  searchQuery?: string;
}

export interface BlueskyChannelConfig {
  /** The brand's PDS (or https://bsky.social, which routes to it). */
  serviceUrl: string;
  /** The brand's handle or DID. */
  identifier: string;
  /** An app password (Settings → Privacy and security → App passwords), never the account's own. */
  password: string;
  pollIntervalMs: number;
}

export interface MastodonChannelConfig {
  /** The brand account's server, e.g. https://mastodon.social. */
  url: string;
  /** A token of the brand account scoped read:notifications read:statuses read:accounts write:statuses. */
  accessToken: string;
  pollIntervalMs: number;
}

export interface PushConfig {
  /** Accept push endpoints and webhooks on loopback and private addresses (tests, the demo); never in production. */
  allowLocalEndpoints: boolean;
  /** VAPID keys from the environment; without them a pair is generated once and kept in the database. */
  vapid: { publicKey?: string; privateKey?: string; subject: string };
  /** A PEM certificate trusted beside Node's own for push requests: the demo's and tests' push service stand-in. */
  extraCa?: string;
}

export const DEFAULT_VAPID_SUBJECT = 'mailto:push@helpforce.invalid';

export interface AppConfig {
  databasePath: string;
  /** PostgreSQL instead of the SQLite file at databasePath. */
  databaseUrl?: string;
  databasePoolSize?: number;
  /** This node's name; several nodes on one PostgreSQL database each need their own. */
  nodeId?: string;
  /** PostgreSQL: how long a post or push another node took stays its own (it may be mid-send), in ms. */
  sendingLeaseMs?: number;
  logLevel: string;
  /** Readable log lines instead of JSON (a person at a terminal); JSON for log collectors. */
  prettyLogs?: boolean;
  secureCookies: boolean;
  admin?: { email: string; password: string };
  x?: XChannelConfig;
  mastodon?: MastodonChannelConfig;
  bluesky?: BlueskyChannelConfig;
  routing: RoutingConfig;
  /** Web Push and the chat webhook; absent means the defaults (public https addresses only, generated keys). */
  push?: PushConfig;
  /** Questions one caller (an API token, or a person) may submit per minute; 600 when unset. */
  ingestRateLimitPerMinute?: number;
  /** Origins besides the server's own whose pages may open /ws. */
  allowedOrigins?: string[];
  /** Which reverse proxy's X-Forwarded-For to believe (Fastify's trustProxy); false: the socket's address. */
  trustProxy?: boolean | number | string[];
}

export interface ServerConfig {
  app: AppConfig;
  port: number;
  host: string;
  demo: { enabled: boolean; intervalMs: number };
}

export function defaultRoutingConfig(overrides: Partial<RoutingConfig> = {}): RoutingConfig {
  return {
    k: 3,
    waveMs: 120_000,
    escalateMs: 600_000,
    maxOffersPerHour: 20,
    slaMs: 30 * 60_000,
    holdMs: 30 * 60_000,
    replayBeforeListen: 20_000,
    replaySliceMs: 10,
    ...overrides,
  };
}

export function loadConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`Invalid environment:\n${problems}`);
  }
  const e = parsed.data;
  const xKeys = [e.X_APP_KEY, e.X_APP_SECRET, e.X_ACCESS_TOKEN, e.X_ACCESS_SECRET];
  const someX = xKeys.some(Boolean);
  if (someX && !xKeys.every(Boolean)) {
    throw new Error(
      'Invalid environment:\n  X_APP_KEY, X_APP_SECRET, X_ACCESS_TOKEN and X_ACCESS_SECRET must be set together',
    );
  }
  if (e.DEMO === true && e.DATABASE_URL) {
    throw new Error('Invalid environment:\n  DEMO: the demo runs on SQLite; unset DATABASE_URL or DEMO');
  }
  if ((e.BLUESKY_IDENTIFIER === undefined) !== (e.BLUESKY_APP_PASSWORD === undefined)) {
    throw new Error('Invalid environment:\n  BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD must be set together');
  }
  if ((e.MASTODON_URL === undefined) !== (e.MASTODON_ACCESS_TOKEN === undefined)) {
    throw new Error('Invalid environment:\n  MASTODON_URL and MASTODON_ACCESS_TOKEN must be set together');
  }
  if ((e.VAPID_PUBLIC_KEY === undefined) !== (e.VAPID_PRIVATE_KEY === undefined)) {
    throw new Error('Invalid environment:\n  VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set together');
  }
  if ((e.ADMIN_EMAIL === undefined) !== (e.ADMIN_PASSWORD === undefined)) {
    throw new Error('Invalid environment:\n  ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  const x: XChannelConfig | undefined = someX
    ? {
        baseUrl: e.X_API_BASE_URL,
        credentials: {
          appKey: e.X_APP_KEY!,
          appSecret: e.X_APP_SECRET!,
          accessToken: e.X_ACCESS_TOKEN!,
          accessSecret: e.X_ACCESS_SECRET!,
        },
        pollIntervalMs: e.X_POLL_INTERVAL_S * 1000,
        searchQuery: e.X_SEARCH_QUERY,
      }
    : undefined;
  const bluesky: BlueskyChannelConfig | undefined =
    e.BLUESKY_IDENTIFIER && e.BLUESKY_APP_PASSWORD
      ? {
          serviceUrl: e.BLUESKY_SERVICE_URL,
          identifier: e.BLUESKY_IDENTIFIER,
          password: e.BLUESKY_APP_PASSWORD,
          pollIntervalMs: e.BLUESKY_POLL_INTERVAL_S * 1000,
        }
      : undefined;
  return {
    port: e.PORT,
    host: e.HOST,
    // The demo runs its stand-ins for X, Bluesky and Mastodon inside the one process, on a SQLite file of its own.
    demo: { enabled: e.DEMO ?? (!x && !e.DATABASE_URL), intervalMs: e.DEMO_INTERVAL_S * 1000 },
    app: {
      databasePath: e.DATABASE_PATH,
      databaseUrl: e.DATABASE_URL,
      databasePoolSize: e.DATABASE_POOL_SIZE,
      nodeId: e.NODE_ID,
      sendingLeaseMs: e.SENDING_LEASE_S * 1000,
      logLevel: e.LOG_LEVEL,
      prettyLogs: e.LOG_FORMAT === undefined ? undefined : e.LOG_FORMAT === 'pretty',
      secureCookies: e.SECURE_COOKIES ?? false,
      admin:
        e.ADMIN_EMAIL && e.ADMIN_PASSWORD
          ? { email: e.ADMIN_EMAIL.toLowerCase(), password: e.ADMIN_PASSWORD }
          : undefined,
      x,
      mastodon:
        e.MASTODON_URL && e.MASTODON_ACCESS_TOKEN
          ? {
              url: e.MASTODON_URL,
              accessToken: e.MASTODON_ACCESS_TOKEN,
              pollIntervalMs: e.MASTODON_POLL_INTERVAL_S * 1000,
            }
          : undefined,
      bluesky,
      push: {
        allowLocalEndpoints: e.PUSH_ALLOW_LOCAL_ENDPOINTS ?? false,
        // Push services contact the subject when a sender misbehaves: the admin's address is the sensible default.
        vapid: {
          publicKey: e.VAPID_PUBLIC_KEY,
          privateKey: e.VAPID_PRIVATE_KEY,
          subject: e.VAPID_SUBJECT ?? (e.ADMIN_EMAIL ? `mailto:${e.ADMIN_EMAIL.toLowerCase()}` : DEFAULT_VAPID_SUBJECT),
        },
      },
      routing: defaultRoutingConfig({
        k: e.OFFER_K,
        waveMs: e.WAVE_SECONDS * 1000,
        escalateMs: e.ESCALATE_SECONDS * 1000,
        maxOffersPerHour: e.MAX_OFFERS_PER_HOUR,
        slaMs: e.SLA_MINUTES * 60_000,
      }),
      ingestRateLimitPerMinute: e.INGEST_RATE_LIMIT_PER_MINUTE,
      allowedOrigins: e.ALLOWED_ORIGINS,
      trustProxy: e.TRUST_PROXY,
    },
  };
}
