// The people in the load test, each on their own WebSocket with a cookie session, acting on what the server pushes:
// offered experts claim (several at once for some questions, so 409s happen) and then reply; the manager approves
// what lands in review. Everything they see and every response they get is written into one ledger.
import WebSocket from 'ws';
import type { ClientEvent } from '../../server/contracts/events.js';
import type { LoadSession } from './seed.js';

export interface Ledger {
  /** performance.now() just before each question's ingest request, by external id. */
  sentAt: Map<string, number>;
  /** `questionId|expertId|wave` → how many `question.offered` events that expert received for it. */
  offerEvents: Map<string, number>;
  ingestToOfferMs: number[];
  ingestMs: number[];
  claimMs: number[];
  counts: Record<string, number>;
  errors: Record<string, number>;
  /** Follow-up requests scheduled or running (claims, replies, approvals): the run drains until this is 0. */
  inflight: number;
}

export function createLedger(): Ledger {
  return {
    sentAt: new Map(),
    offerEvents: new Map(),
    ingestToOfferMs: [],
    ingestMs: [],
    claimMs: [],
    counts: {},
    errors: {},
    inflight: 0,
  };
}

export const bump = (record: Record<string, number>, key: string, by = 1) => {
  record[key] = (record[key] ?? 0) + by;
};

export interface Caller {
  cookie?: string;
  csrfToken?: string;
  token?: string;
}

/** One JSON request; a network failure comes back as status 0 instead of throwing. */
export async function call(base: string, method: string, path: string, caller: Caller, body?: unknown) {
  const headers: Record<string, string> = {};
  if (caller.token) headers.authorization = `Bearer ${caller.token}`;
  if (caller.cookie) {
    headers.cookie = caller.cookie;
    headers['x-csrf-token'] = caller.csrfToken ?? '';
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  const started = performance.now();
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : {}) as Record<string, any>,
      ms: performance.now() - started,
    };
  } catch (error) {
    return {
      status: 0,
      body: { error: { code: (error as Error).name, message: (error as Error).message } },
      ms: performance.now() - started,
    };
  }
}

export interface Actors {
  sockets: WebSocket[];
  unexpectedCloses(): number;
  close(): void;
}

interface Options {
  base: string;
  ledger: Ledger;
  random: () => number;
  claimProbability: number;
}

export async function connectActors(
  experts: LoadSession[],
  manager: LoadSession,
  token: string,
  options: Options,
  parallel = 100,
): Promise<Actors> {
  const { base, ledger, random } = options;
  const wsUrl = `${base.replace(/^http/, 'ws')}/ws`;
  let closing = false;
  let unexpected = 0;

  /** Runs a follow-up later, counted as in flight from now until it has finished. */
  const later = (delayMs: number, work: () => Promise<void>) => {
    ledger.inflight++;
    setTimeout(() => {
      work()
        .catch((error) => bump(ledger.errors, `script: ${(error as Error).message}`))
        .finally(() => {
          ledger.inflight--;
        });
    }, delayMs);
  };
  const fail = (what: string, response: { status: number; body: Record<string, any> }) =>
    bump(ledger.errors, `${what} ${response.status} ${response.body.error?.code ?? ''}`.trim());

  const reply = async (expert: LoadSession, questionId: string) => {
    const text = `Thanks for asking! Check the settings menu first, then restart the device (ref ${questionId.slice(-6)}).`;
    const response = await call(base, 'POST', `/api/questions/${questionId}/replies`, expert, { text });
    if (response.status !== 201) return fail('reply', response);
    bump(ledger.counts, response.body.reply.status === 'in_review' ? 'repliesToReview' : 'repliesAutoApproved');
  };

  const claim = async (expert: LoadSession, questionId: string) => {
    const response = await call(base, 'POST', `/api/questions/${questionId}/claim`, expert);
    ledger.claimMs.push(response.ms);
    bump(ledger.counts, 'claimAttempts');
    if (response.status === 200) {
      bump(ledger.counts, 'claimsWon');
      later(300 + random() * 1200, () => reply(expert, questionId));
    } else if (response.status === 409) {
      bump(ledger.counts, `claim409_${response.body.error?.code ?? 'unknown'}`);
    } else {
      fail('claim', response);
    }
  };

  const onExpertEvent = (expert: LoadSession, event: ClientEvent) => {
    if (event.type === 'reply.posted') return bump(ledger.counts, 'postedEvents');
    if (event.type !== 'question.offered') return;
    const { question, offer } = (event as ClientEvent<'question.offered'>).data;
    const key = `${question.id}|${expert.userId}|${offer.wave}`;
    ledger.offerEvents.set(key, (ledger.offerEvents.get(key) ?? 0) + 1);
    if (offer.expertId !== expert.userId) bump(ledger.errors, 'offer addressed to another expert');
    const sentAt = ledger.sentAt.get(question.externalId);
    if (sentAt !== undefined) ledger.ingestToOfferMs.push(performance.now() - sentAt);
    if (random() < options.claimProbability) later(random() * 300, () => claim(expert, question.id));
  };

  const onManagerEvent = (event: ClientEvent) => {
    if (event.type !== 'reply.submitted') return;
    const { reply: submitted } = (event as ClientEvent<'reply.submitted'>).data;
    if (submitted.status !== 'in_review') return;
    later(random() * 200, async () => {
      const response = await call(base, 'POST', `/api/replies/${submitted.id}/approve`, { token }, {});
      if (response.status === 200) bump(ledger.counts, 'approved');
      else fail('approve', response);
    });
  };

  const open = (session: LoadSession, onEvent: (event: ClientEvent) => void) =>
    new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(wsUrl, { headers: { cookie: session.cookie }, perMessageDeflate: false });
      socket.on('message', (raw: Buffer) => onEvent(JSON.parse(raw.toString()) as ClientEvent));
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
      socket.once('close', () => {
        if (!closing) unexpected++;
      });
    });

  const sockets: WebSocket[] = [await open(manager, onManagerEvent)];
  for (let i = 0; i < experts.length; i += parallel) {
    sockets.push(
      ...(await Promise.all(
        experts.slice(i, i + parallel).map((expert) => open(expert, (event) => onExpertEvent(expert, event))),
      )),
    );
  }
  return {
    sockets,
    unexpectedCloses: () => unexpected,
    close() {
      closing = true;
      for (const socket of sockets) socket.close();
    },
  };
}
