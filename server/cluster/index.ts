// This node's place in a cluster of Helpforce nodes sharing one PostgreSQL database: its name, whether it leads
// (./leadership.ts), and the relay that carries its sockets' share of the realtime traffic and presence to the
// others (./relay.ts). On SQLite there is one node: it always leads and has no one to tell.
import { hostname } from 'node:os';
import type { RealtimeHub } from '../services/realtime-hub.js';
import type { Storage } from '../storage.js';
import { advisoryLeadership, type Leadership, soleLeadership } from './leadership.js';
import { createRelay, type Relay } from './relay.js';

/** How often a node repeats who is connected to it; a node not heard from for three times as long is gone. */
const PRESENCE_HEARTBEAT_MS = 5_000;
/** Close code telling browsers to reconnect and fetch what they may have missed. */
export const RESYNC = 1012;

interface Log {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface Cluster {
  nodeId: string;
  leadership: Leadership;
  relay: Relay | null;
  /** Carries the hub's broadcasts and presence to the other nodes, and theirs to it. */
  connect(hub: RealtimeHub): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function defaultNodeId(): string {
  return `${hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 40)}-${process.pid}`;
}

export function createCluster(
  storage: Storage,
  options: { url?: string; nodeId?: string; leaderRetryMs?: number },
  log: Log,
): Cluster {
  const nodeId = options.nodeId ?? defaultNodeId();
  if (storage.engine === 'sqlite' || !options.url) {
    return {
      nodeId,
      leadership: soleLeadership(nodeId),
      relay: null,
      connect() {},
      async start() {},
      async stop() {},
    };
  }
  const url = options.url;
  const leadership = advisoryLeadership({ url, nodeId, log, retryMs: options.leaderRetryMs });
  const relay = createRelay({ url, db: storage.db, nodeId, log });
  const lastHeard = new Map<string, number>();
  let hub: RealtimeHub | null = null;
  let heartbeat: NodeJS.Timeout | undefined;
  let presenceQueued = false;

  const sendPresence = () => {
    presenceQueued = false;
    if (hub) relay.send({ kind: 'presence', users: hub.localUserIds() });
  };

  return {
    nodeId,
    leadership,
    relay,
    connect(connected) {
      hub = connected;
      connected.onBroadcast((broadcast) => relay.send({ kind: 'hub', broadcast }));
      // Several sockets opening in one turn are one message.
      connected.onLocalPresence(() => {
        if (presenceQueued) return;
        presenceQueued = true;
        queueMicrotask(sendPresence);
      });
      relay.onMessage((node, message) => {
        lastHeard.set(node, Date.now());
        if (message.kind === 'hub') connected.apply(message.broadcast);
        else if (message.kind === 'presence') connected.setRemotePresence(node, message.users);
        else {
          lastHeard.delete(node);
          connected.setRemotePresence(node, null);
        }
      });
      // Whatever was missed while the relay was down, the browsers here fetch again, and the others hear who is here.
      relay.onResync(() => {
        log.warn({ nodeId }, 'the cluster relay reconnected: browsers here resync');
        connected.closeConnections(RESYNC, 'reconnect and resync');
        sendPresence();
      });
    },
    async start() {
      await relay.start();
      await leadership.start();
      sendPresence();
      heartbeat = setInterval(() => {
        sendPresence();
        const now = Date.now();
        for (const [node, at] of lastHeard) {
          if (now - at < 3 * PRESENCE_HEARTBEAT_MS) continue;
          lastHeard.delete(node);
          hub?.setRemotePresence(node, null);
          log.warn({ node }, 'a node stopped answering: its users are no longer counted as connected');
        }
      }, PRESENCE_HEARTBEAT_MS);
      heartbeat.unref();
    },
    async stop() {
      clearInterval(heartbeat);
      relay.send({ kind: 'bye' });
      await leadership.stop();
      await relay.stop();
    },
  };
}
