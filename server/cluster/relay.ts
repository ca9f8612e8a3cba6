// Messages between the nodes of one cluster, over PostgreSQL's LISTEN/NOTIFY: no broker to run beside the database.
// Messages queued while one send is on its way leave together in the next, packed into notifications of up to
// 7,800 bytes, several notifications in one statement, so a busy node sends a few statements a second rather than
// one per event. A message too large for a notification is written to cluster_messages and its notification carries
// the id. Each node sends one statement after another and handles the notifications it receives one after another,
// so a node's messages arrive in the order it sent them.
//
// A notification sent while a node's listening connection is down is lost to that node: when it connects again it
// is told to resync (`onResync`), as a browser is after its socket drops.
import { lt, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { PgDb } from '../../db/pg/client.js';
import { clusterMessages } from '../../db/pg/schema.js';
import type { ChannelHealth } from '../services/channel-status.js';
import type { DomainEvent } from '../events/domain-events.js';
import type { HubBroadcast } from '../services/realtime-hub.js';

const CHANNEL = 'helpforce_cluster';
/** PostgreSQL refuses a payload of 8,000 bytes or more; the envelope's own fields need a little room. */
const MAX_INLINE_BYTES = 7_800;
const KEEP_LARGE_MS = 60_000;
/** Notifications sent in one statement at most (about 125 kB): what a busy node queued meanwhile leaves at once. */
const MAX_NOTIFICATIONS_PER_SEND = 16;

export type ClusterMessage =
  | { kind: 'hub'; broadcast: HubBroadcast }
  /** Every user with a connection to the sending node, sent on each change and every few seconds as a heartbeat. */
  | { kind: 'presence'; users: string[] }
  /** The leader's pollers' states (the others' pollers do not run), sent on each change and with every heartbeat. */
  | { kind: 'channels'; states: ChannelHealth[] }
  /** The sending node is shutting down: its users are no longer connected through it. */
  | { kind: 'bye' }
  /** A change committed there, for what each node holds in memory (the routing model, the similar-answers index). */
  | { kind: 'event'; event: DomainEvent }
  /** An expert's routing state (profile, load, devices) changed there: read it again. */
  | { kind: 'expert'; userId: string }
  /** Something every node holds in memory changed there (the tags, the settings, the channel webhooks): read it again. */
  | { kind: 'reload'; what: Reloadable };

export type Reloadable = 'tags' | 'settings' | 'webhooks';

type Envelope = { node: string; messages?: ClusterMessage[]; ref?: number };
type Queued = { json: string; bytes: number; kind: ClusterMessage['kind'] };

interface Log {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface Relay {
  send(message: ClusterMessage): void;
  onMessage(handler: (node: string, message: ClusterMessage) => void | Promise<void>): void;
  /** The listening connection came back after a break: messages may have been missed. */
  onResync(handler: () => void | Promise<void>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sent, received and large-message counts, for /health and the bench. */
  stats(): { sent: number; received: number; large: number; reconnects: number };
}

export function createRelay({ url, db, nodeId, log }: { url: string; db: PgDb; nodeId: string; log: Log }): Relay {
  // Messages leave through a connection of their own: through the node's pool they waited behind its busy units,
  // and offers for the other nodes' sockets fell seconds behind at a few hundred questions a second. A pool of one
  // replaces a connection the server dropped.
  const senderPool = new pg.Pool({
    connectionString: url,
    max: 1,
    application_name: `helpforce ${nodeId} relay out`,
    // A database that does not answer fails a send (logged, the next one tries again) rather than holding shutdown.
    connectionTimeoutMillis: 10_000,
  });
  senderPool.on('error', () => undefined);
  const sender = drizzle(senderPool);
  const handlers: ((node: string, message: ClusterMessage) => void | Promise<void>)[] = [];
  const resyncHandlers: (() => void | Promise<void>)[] = [];
  let listener: pg.Client | null = null;
  let stopped = false;
  let sending: Promise<void> = Promise.resolve();
  /** Messages waiting to leave, each turned into JSON once, when it was sent. */
  const queue: Queued[] = [];
  let flushing = false;
  let receiving: Promise<void> = Promise.resolve();
  let reconnect: NodeJS.Timeout | undefined;
  let sweep: NodeJS.Timeout | undefined;
  const counts = { sent: 0, received: 0, large: 0, reconnects: 0 };
  /** How every envelope this node sends begins (`transmit` writes `node` first). */
  const ownPrefix = `{"node":${JSON.stringify(nodeId)},`;

  /** The envelope of messages already in JSON: inline, or (too large for a notification) a reference to the table. */
  async function envelopeOf(messages: string[]): Promise<string> {
    const list = `[${messages.join(',')}]`;
    const payload = `{"node":${JSON.stringify(nodeId)},"messages":${list}}`;
    if (Buffer.byteLength(payload) <= MAX_INLINE_BYTES) return payload;
    const [row] = await sender
      .insert(clusterMessages)
      .values({ body: sql`${list}::jsonb`, createdAt: Date.now() })
      .returning({ id: clusterMessages.id });
    if (!row) throw new Error('the large message was not stored');
    counts.large++;
    return JSON.stringify({ node: nodeId, ref: row.id } satisfies Envelope);
  }

  /**
   * Sends batches of messages, a notification each, all in one statement: a transaction's notifications reach the
   * listeners in the order it sent them, and pg_notify is called in the array's order. One round trip per
   * notification was a busy node's limit: at 250 questions a second into one node, offers for the other node's
   * sockets fell seconds behind.
   */
  async function transmit(batches: string[][]): Promise<void> {
    const payloads: string[] = [];
    for (const messages of batches) payloads.push(await envelopeOf(messages));
    // As one JSON array: node-postgres writes a text[] parameter by escaping each character of it in JavaScript,
    // which for 16 notifications of JSON was a tenth of a busy node's CPU.
    await senderPool.query('select pg_notify($1, payload) from json_array_elements_text($2::json) as payload', [
      CHANNEL,
      JSON.stringify(payloads),
    ]);
    for (const messages of batches) counts.sent += messages.length;
  }

  /** Starts sending unless a send is under way (its loop takes what was queued meanwhile). */
  function kick(): void {
    if (flushing || queue.length === 0) return;
    flushing = true;
    sending = flush().finally(() => {
      flushing = false;
      kick();
    });
  }

  /** Takes the next payload's worth of queued messages. */
  function nextBatch(): Queued[] {
    const batch: Queued[] = [];
    let bytes = 0;
    while (queue.length > 0) {
      const next = queue[0] as Queued;
      // A message too large alone goes alone (through the table); others fill a payload.
      if (batch.length > 0 && bytes + next.bytes > MAX_INLINE_BYTES) break;
      batch.push(next);
      queue.shift();
      bytes += next.bytes + 1;
    }
    return batch;
  }

  /** Sends what is queued, up to MAX_NOTIFICATIONS_PER_SEND payloads at a time, until nothing is. */
  async function flush(): Promise<void> {
    while (queue.length > 0) {
      const batches: Queued[][] = [];
      while (queue.length > 0 && batches.length < MAX_NOTIFICATIONS_PER_SEND) batches.push(nextBatch());
      try {
        await transmit(batches.map((batch) => batch.map((m) => m.json)));
      } catch (error) {
        log.error({ err: error, kinds: batches.flat().map((m) => m.kind) }, 'a message to the other nodes failed');
      }
    }
  }

  async function receive(raw: string): Promise<void> {
    const envelope = JSON.parse(raw) as Envelope;
    let messages = envelope.messages;
    if (envelope.ref !== undefined) {
      const rows = await db
        .select({ body: clusterMessages.body })
        .from(clusterMessages)
        .where(sql`${clusterMessages.id} = ${envelope.ref}`);
      messages = rows[0]?.body as ClusterMessage[] | undefined;
      if (!messages) throw new Error(`cluster message ${envelope.ref} is gone`);
    }
    for (const message of messages ?? []) {
      counts.received++;
      for (const handler of handlers) await handler(envelope.node, message);
    }
  }

  async function listen(): Promise<void> {
    const client = new pg.Client({ connectionString: url, application_name: `helpforce ${nodeId} relay` });
    client.on('notification', (notification) => {
      const payload = notification.payload;
      // A node hears its own notifications too, as many as it sends; telling them by their start spares parsing up
      // to 8 kB of JSON for each.
      if (!payload || payload.startsWith(ownPrefix)) return;
      receiving = receiving
        .then(() => receive(payload))
        .catch((error: unknown) => log.error({ err: error }, 'a message from another node could not be handled'));
    });
    client.on('error', (error) => {
      log.warn({ err: error }, 'the cluster relay lost its connection; reconnecting');
      if (listener === client) {
        listener = null;
        void client.end().catch(() => undefined);
        scheduleReconnect();
      }
    });
    await client.connect();
    await client.query(`listen ${CHANNEL}`);
    listener = client;
  }

  function scheduleReconnect() {
    if (stopped) return;
    clearTimeout(reconnect);
    reconnect = setTimeout(() => {
      listen().then(
        async () => {
          counts.reconnects++;
          for (const handler of resyncHandlers) await handler();
        },
        (error: unknown) => {
          log.warn({ err: error }, 'the cluster relay could not reconnect; trying again');
          scheduleReconnect();
        },
      );
    }, 500);
    reconnect.unref();
  }

  return {
    send(message) {
      if (stopped) return;
      // Presence and channel states are whole snapshots: a newer one makes any still waiting useless. Without this,
      // sockets opening one per turn (a deploy's reconnect storm) queue one snapshot each, every one large, ahead of
      // the live traffic.
      if (message.kind === 'presence' || message.kind === 'channels') {
        const waiting = queue.findIndex((queued) => queued.kind === message.kind);
        if (waiting >= 0) queue.splice(waiting, 1);
      }
      const json = JSON.stringify(message);
      queue.push({ json, bytes: Buffer.byteLength(json), kind: message.kind });
      kick();
    },
    onMessage(handler) {
      handlers.push(handler);
    },
    onResync(handler) {
      resyncHandlers.push(handler);
    },
    async start() {
      await listen();
      sweep = setInterval(() => {
        db.delete(clusterMessages)
          .where(lt(clusterMessages.createdAt, Date.now() - KEEP_LARGE_MS))
          .then(
            () => undefined,
            (error: unknown) => log.warn({ err: error }, 'clearing old cluster messages failed'),
          );
      }, KEEP_LARGE_MS / 2);
      sweep.unref();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(reconnect);
      clearInterval(sweep);
      await sending;
      await senderPool.end();
      const client = listener;
      listener = null;
      await client?.end().catch(() => undefined);
      await receiving;
    },
    stats: () => ({ ...counts }),
  };
}
