// This node's place in a cluster of Helpforce nodes sharing one PostgreSQL database: its name, whether it leads
// (./leadership.ts), and the relay that carries its sockets' share of the realtime traffic and presence to the
// others (./relay.ts). On SQLite there is one node: it always leads and has no one to tell.
import { hostname } from 'node:os';
import type { EventBus } from '../events/unit-of-work.js';
import type { ChannelStatus } from '../services/channel-status.js';
import type { RealtimeHub } from '../services/realtime-hub.js';
import type { Storage } from '../storage.js';
import type { Leadership } from './leadership.js';
import type { Relay, Reloadable } from './relay.js';

/** How often a node repeats who is connected to it; a node not heard from for three times as long is gone. */
const PRESENCE_HEARTBEAT_MS = 5_000;
/** Close code telling browsers to reconnect and fetch what they may have missed. */
export const RESYNC = 1012;

interface Log {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** What a node shares with the others, and what it does with theirs. */
export interface ClusterParts {
  hub: RealtimeHub;
  /** This node's committed changes, sent on to the others. */
  events: EventBus;
  /** Where the others' changes are published here, to the listeners that keep memory in step. */
  followers: EventBus;
  refreshExpert(userId: string): Promise<void>;
  /** The pollers' states: the leader's are sent to the others, which show them in place of their own idle ones. */
  channels: ChannelStatus;
}

export interface Cluster {
  nodeId: string;
  leadership: Leadership;
  relay: Relay | null;
  /** Carries the hub's broadcasts, presence and this node's changes to the other nodes, and theirs to it. */
  connect(parts: ClusterParts): void;
  /** Tells the other nodes an expert changed (a no-op alone). */
  expertChanged(userId: string): void;
  /** Tells the other nodes something they hold in memory changed (a no-op alone). */
  reloadElsewhere(what: Reloadable): void;
  /** How this node reads `what` again when another node changed it. */
  onReload(what: Reloadable, reload: () => Promise<void>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function defaultNodeId(): string {
  return `${hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 40)}-${process.pid}`;
}

/** SQLite: one node, always the leader. */
export function soleLeadership(nodeId: string): Leadership {
  return {
    nodeId,
    isLeader: () => true,
    onChange(listener) {
      void listener(true);
    },
    async start() {},
    async stop() {},
  };
}

/** The node alone (SQLite), or one of a PostgreSQL cluster, whose modules are loaded only then. */
export async function createCluster(
  storage: Storage,
  options: { url?: string; nodeId?: string; leaderRetryMs?: number },
  log: Log,
): Promise<Cluster> {
  const nodeId = options.nodeId ?? defaultNodeId();
  if (storage.engine === 'sqlite' || !options.url) {
    return {
      nodeId,
      leadership: soleLeadership(nodeId),
      relay: null,
      connect() {},
      expertChanged() {},
      reloadElsewhere() {},
      onReload() {},
      async start() {},
      async stop() {},
    };
  }
  const url = options.url;
  const [{ advisoryLeadership }, { createRelay }, { sweepRateLimits }] = await Promise.all([
    import('./leadership.js'),
    import('./relay.js'),
    import('./rate-limit-store.js'),
  ]);
  const leadership = advisoryLeadership({ url, nodeId, log, retryMs: options.leaderRetryMs });
  const relay = createRelay({ url, db: storage.db, nodeId, log });
  const lastHeard = new Map<string, number>();
  const reloaders = new Map<Reloadable, () => Promise<void>>();
  const reload = async (what: Reloadable) => reloaders.get(what)?.();
  let hub: RealtimeHub | null = null;
  let channels: ChannelStatus | null = null;
  let heartbeat: NodeJS.Timeout | undefined;
  let sweep: NodeJS.Timeout | undefined;

  const sendPresence = () => {
    if (hub) relay.send({ kind: 'presence', users: hub.localUserIds() });
  };
  const sendChannels = () => {
    if (channels && leadership.isLeader()) relay.send({ kind: 'channels', states: channels.own() });
  };

  return {
    nodeId,
    leadership,
    relay,
    expertChanged(userId) {
      relay.send({ kind: 'expert', userId });
    },
    reloadElsewhere(what) {
      relay.send({ kind: 'reload', what });
    },
    onReload(what, handler) {
      reloaders.set(what, handler);
    },
    connect({ hub: connected, events, followers, refreshExpert, channels: status }) {
      hub = connected;
      channels = status;
      // A poll reports twice (polling, then its outcome): one message.
      status.onChange(oncePerTurn(sendChannels));
      leadership.onChange((leading) => {
        if (leading) status.adopt([]);
        sendChannels();
      });
      events.subscribe((event) => relay.send({ kind: 'event', event }));
      connected.onBroadcast((broadcast) => relay.send({ kind: 'hub', broadcast }));
      // Several sockets opening in one turn are one message.
      connected.onLocalPresence(oncePerTurn(sendPresence));
      relay.onMessage((node, message) => {
        lastHeard.set(node, Date.now());
        switch (message.kind) {
          case 'hub':
            connected.apply(message.broadcast);
            return;
          case 'presence':
            connected.setRemotePresence(node, message.users);
            return;
          case 'channels':
            // A leader that has just lost the lock may still be heard once: this node's own pollers are the truth.
            if (!leadership.isLeader()) status.adopt(message.states);
            return;
          case 'bye':
            lastHeard.delete(node);
            connected.setRemotePresence(node, null);
            return;
          case 'event':
            followers.publish([message.event]);
            return;
          case 'expert':
            return refreshExpert(message.userId);
          case 'reload':
            return reload(message.what);
        }
      });
      // Whatever was missed while the relay was down, the browsers here fetch again, what every node holds in memory
      // is read again, and the others hear who is here. (Experts changed meanwhile are read again at their next change.)
      relay.onResync(async () => {
        log.warn({ nodeId }, 'the cluster relay reconnected: browsers here resync');
        connected.closeConnections(RESYNC, 'reconnect and resync');
        sendPresence();
        await Promise.all([...reloaders.values()].map((read) => read()));
      });
    },
    async start() {
      await relay.start();
      await leadership.start();
      sendPresence();
      heartbeat = setInterval(() => {
        sendPresence();
        sendChannels(); // so that a node started since the last poll hears them too
        const now = Date.now();
        for (const [node, at] of lastHeard) {
          if (now - at < 3 * PRESENCE_HEARTBEAT_MS) continue;
          lastHeard.delete(node);
          hub?.setRemotePresence(node, null);
          log.warn({ node }, 'a node stopped answering: its users are no longer counted as connected');
        }
      }, PRESENCE_HEARTBEAT_MS);
      heartbeat.unref();
      sweep = setInterval(() => {
        sweepRateLimits(storage.db, Date.now()).catch((error: unknown) =>
          log.warn({ err: error }, 'clearing old request counts failed'),
        );
      }, 5 * 60_000);
      sweep.unref();
    },
    async stop() {
      clearInterval(heartbeat);
      clearInterval(sweep);
      relay.send({ kind: 'bye' });
      await leadership.stop();
      await relay.stop();
    },
  };
}

/** `send`, called once at the end of this turn however many times the returned function is called during it. */
function oncePerTurn(send: () => void): () => void {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      send();
    });
  };
}
