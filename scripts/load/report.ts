// Turns the ledger into the load test's one-line JSON result. Offer events are checked against the offers table:
// each offer row to a connected expert must have produced exactly one `question.offered` on that expert's socket.
import type { IntervalHistogram } from 'node:perf_hooks';
import type { Db } from '../../db/client.js';
import type { FakeX } from '../../dev/fake-x/index.js';
import type { RealtimeHub } from '../../server/services/realtime-hub.js';
import type { Ledger } from './actors.js';

export interface OfferCheck {
  rows: number;
  events: number;
  missing: number;
  duplicated: number;
  unexpected: number;
  toDisconnected: number;
}

export function reconcileOffers(db: Db, offerEvents: Map<string, number>, connected: Set<string>): OfferCheck {
  const rows = db.$client.prepare('select question_id q, expert_id e, wave w from offers').all() as {
    q: string;
    e: string;
    w: number;
  }[];
  const expected = new Set<string>();
  const check: OfferCheck = {
    rows: rows.length,
    events: 0,
    missing: 0,
    duplicated: 0,
    unexpected: 0,
    toDisconnected: 0,
  };
  for (const row of rows) {
    if (!connected.has(row.e)) {
      check.toDisconnected++;
      continue;
    }
    const key = `${row.q}|${row.e}|${row.w}`;
    expected.add(key);
    const received = offerEvents.get(key) ?? 0;
    if (received === 0) check.missing++;
    if (received > 1) check.duplicated += received - 1;
  }
  for (const [key, received] of offerEvents) {
    check.events += received;
    if (!expected.has(key)) check.unexpected += received;
  }
  return check;
}

const round = (n: number) => Math.round(n * 10) / 10;
export const LOOP_SAMPLE_MS = 20;
const lag = (ns: number) => round(Math.max(0, ns / 1e6 - LOOP_SAMPLE_MS));

export function percentiles(values: number[]) {
  if (values.length === 0) return { n: 0, p50: null, p99: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { n: sorted.length, p50: round(at(50)), p99: round(at(99)), max: round(sorted[sorted.length - 1]!) };
}

interface SummaryInput {
  seconds: number;
  rate: number;
  experts: number;
  clients: number;
  runSeconds: number;
  sent: number;
  drained: boolean;
  ledger: Ledger;
  offers: OfferCheck;
  fakeX: FakeX;
  outbox: { pending: number; failed: number };
  hub: ReturnType<RealtimeHub['stats']>;
  unexpectedCloses: number;
  loopDelay: IntervalHistogram;
  statuses: { status: string; n: number }[];
}

export function summary(input: SummaryInput) {
  const { ledger, offers, fakeX } = input;
  const count = (key: string) => ledger.counts[key] ?? 0;
  const posts = fakeX.brandReplies();
  const perTweet = new Map<string, number>();
  for (const post of posts) perTweet.set(post.inReplyToTweetId!, (perTweet.get(post.inReplyToTweetId!) ?? 0) + 1);
  const conflicts = Object.fromEntries(
    Object.entries(ledger.counts)
      .filter(([key]) => key.startsWith('claim409_'))
      .map(([key, n]) => [key.slice(9), n]),
  );
  const errorCount = Object.values(ledger.errors).reduce((a, b) => a + b, 0);
  return {
    config: { seconds: input.seconds, rate: input.rate, experts: input.experts, wsClients: input.clients + 1 },
    questions: {
      sent: input.sent,
      created: count('created'),
      achievedRatePerS: round(input.sent / input.runSeconds),
      byStatus: Object.fromEntries(input.statuses.map((s) => [s.status, s.n])),
    },
    ingestHttpMs: percentiles(ledger.ingestMs),
    offers: { ...offers, ok: offers.missing === 0 && offers.duplicated === 0 && offers.unexpected === 0 },
    ingestToOfferMs: percentiles(ledger.ingestToOfferMs),
    claims: {
      attempts: count('claimAttempts'),
      won: count('claimsWon'),
      conflicts,
      latencyMs: percentiles(ledger.claimMs),
    },
    replies: {
      toReview: count('repliesToReview'),
      autoApproved: count('repliesAutoApproved'),
      approvedByManager: count('approved'),
      postedOnX: posts.length,
      doublePostedOnX: [...perTweet.values()].filter((n) => n > 1).length,
      postedEvents: count('postedEvents'),
      outboxPending: input.outbox.pending,
      outboxFailed: input.outbox.failed,
      drained: input.drained,
    },
    errors: { count: errorCount, kinds: ledger.errors },
    websocket: {
      unexpectedCloses: input.unexpectedCloses,
      droppedSlow: input.hub.droppedSlow,
      delivered: input.hub.delivered,
    },
    // The histogram records each sampling interval; what exceeds the interval is the time the loop was blocked.
    eventLoopDelayMs: {
      p50: lag(input.loopDelay.percentile(50)),
      p99: lag(input.loopDelay.percentile(99)),
      max: lag(input.loopDelay.max),
    },
    rssMb: Math.round(process.memoryUsage().rss / 1e6),
    note: `the server and its ${input.clients + 1} WebSocket clients share one Node process: latencies include client-side work`,
  };
}
