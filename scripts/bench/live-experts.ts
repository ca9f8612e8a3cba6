// The connected experts: one real WebSocket per expert session (cookie auth, as the browser does), and a tracker that
// pairs each question's send time with the first `question.offered` any expert receives for it.
import WebSocket from 'ws';
import { distribution, type Distribution } from './stats.js';

type Selection = string | ReadonlySet<string>;

export interface OfferTracker {
  markSent(externalId: string, at?: number): void;
  onOffer(externalId: string): void;
  /** Ingest → first offer, for the external ids starting with `select` (or in it). */
  summary(select: Selection): {
    sent: number;
    offered: number;
    latencyMs: Distribution;
    firstSentAt: number;
    lastOfferAt: number;
  };
  offeredCount(select: Selection): number;
  totalOffers(): number;
}

export function createOfferTracker(): OfferTracker {
  const sentAt = new Map<string, number>();
  const offeredAt = new Map<string, number>();
  let offers = 0;
  const select = (map: Map<string, number>, which: Selection) =>
    [...map].filter(([id]) => (typeof which === 'string' ? id.startsWith(which) : which.has(id)));
  return {
    markSent(externalId, at = performance.now()) {
      sentAt.set(externalId, at);
    },
    onOffer(externalId) {
      offers++;
      if (!offeredAt.has(externalId)) offeredAt.set(externalId, performance.now());
    },
    summary(which) {
      const sent = select(sentAt, which);
      const latencies: number[] = [];
      let lastOfferAt = 0;
      for (const [id, at] of sent) {
        const offered = offeredAt.get(id);
        if (offered === undefined) continue;
        latencies.push(offered - at);
        lastOfferAt = Math.max(lastOfferAt, offered);
      }
      return {
        sent: sent.length,
        offered: latencies.length,
        latencyMs: distribution(latencies),
        firstSentAt: Math.min(...sent.map(([, at]) => at)),
        lastOfferAt,
      };
    },
    offeredCount: (which) => select(offeredAt, which).length,
    totalOffers: () => offers,
  };
}

export interface LiveExperts {
  sockets: WebSocket[];
  close(): Promise<void>;
}

export async function connectExperts(
  url: string,
  sessions: { cookie: string }[],
  tracker: OfferTracker,
  parallel = 100,
): Promise<LiveExperts> {
  const wsUrl = `${url.replace(/^http/, 'ws')}/ws`;
  const sockets: WebSocket[] = [];
  const open = (cookie: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(wsUrl, { headers: { cookie }, perMessageDeflate: false });
      socket.on('message', (raw: Buffer) => {
        const text = raw.toString();
        if (!text.startsWith('{"type":"question.offered"')) return;
        tracker.onOffer((JSON.parse(text) as { data: { question: { externalId: string } } }).data.question.externalId);
      });
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`WebSocket upgrade refused: ${response.statusCode}`)),
      );
    });
  for (let i = 0; i < sessions.length; i += parallel) {
    sockets.push(...(await Promise.all(sessions.slice(i, i + parallel).map((s) => open(s.cookie)))));
  }
  return {
    sockets,
    async close() {
      await Promise.all(
        sockets.map(
          (socket) =>
            new Promise<void>((resolve) => {
              if (socket.readyState === WebSocket.CLOSED) return resolve();
              socket.once('close', () => resolve());
              socket.close();
            }),
        ),
      );
    },
  };
}
