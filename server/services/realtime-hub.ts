// One hub decides who receives each realtime event: offers go to the offered experts, a question's changes to its
// assignee, and everything to managers. Sockets register under their user id; a user may have several tabs open.
// Each socket has a bounded send buffer: a client that cannot keep up is dropped and resyncs over REST on reconnect.
// Each socket also remembers the credential that opened it (a session or an API token) and when that credential
// expires, so ending a credential closes exactly the connections it authorised, and none outlives its expiry.
import type { ClientEvent, ClientEventMap, ClientEventType } from '../contracts/events.js';
import type { Role } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';

export interface RealtimeSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  readonly bufferedAmount: number;
}

/** What opened a socket: `session:<token hash>` or `token:<api token id>`, and when it stops being valid. */
export interface SocketCredential {
  key: string;
  expiresAt: number;
}

interface Connection {
  socket: RealtimeSocket;
  userId: string;
  role: Role;
  credential?: SocketCredential;
}

/**
 * `announce`: whether this node tells the managers (`expert.presence`). It does for its own sockets and for those of
 * a node that is gone; a live node announces its own, and the relay brings that announcement here. It also does when
 * another node's snapshot shows that its own "offline" was wrong (it decided on a snapshot a moment old).
 */
export type PresenceListener = (userId: string, online: boolean, announce: boolean) => void;

/** Sees every published event with its addressees, after the sockets (the push notifier listens here). */
export type PublishListener = <T extends ClientEventType>(
  type: T,
  data: ClientEventMap[T],
  to: { users?: Iterable<string>; managers?: boolean },
) => void;

/**
 * What every other node's hub must also do, for sockets connected there: deliver a published event, or close the
 * connections a credential or an account change ended. Several nodes share the work this way (server/cluster/relay.ts).
 */
export type HubBroadcast =
  | { kind: 'publish'; type: ClientEventType; data: unknown; to: { users?: string[]; managers?: boolean } }
  | {
      kind: 'disconnect';
      userId: string;
      scope: 'user' | 'credential' | 'sessions';
      key?: string;
      code: number;
      reason: string;
    };

export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Close code for a connection whose credential or account changed: the web client checks who it is and signs in again. */
export const CREDENTIAL_ENDED = 4001;

export function createRealtimeHub(clock: Clock) {
  const byUser = new Map<string, Set<Connection>>();
  const managers = new Set<Connection>();
  const presenceListeners: PresenceListener[] = [];
  const publishListeners: PublishListener[] = [];
  const broadcastListeners: ((broadcast: HubBroadcast) => void)[] = [];
  const localPresenceListeners: (() => void)[] = [];
  /** Users connected to other nodes, by node: presence is the union of every node's. */
  const remote = new Map<string, Set<string>>();
  let closed = false;
  let delivered = 0;
  let droppedSlow = 0;

  function write(connection: Connection, payload: string) {
    if (connection.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      droppedSlow++;
      remove(connection);
      connection.socket.close(4008, 'too slow: reconnect and resync');
      return;
    }
    connection.socket.send(payload);
    delivered++;
  }

  function remove(connection: Connection) {
    if (closed) return;
    const set = byUser.get(connection.userId);
    if (!set?.delete(connection)) return;
    managers.delete(connection);
    if (set.size === 0) {
      byUser.delete(connection.userId);
      for (const listener of localPresenceListeners) listener();
      if (!onOtherNode(connection.userId)) tell(connection.userId, false, true);
    }
  }

  /**
   * What this node last announced for each user. It decides with what it knows of the other nodes, which may be a
   * moment old: "offline" may be wrong (the user had just connected elsewhere, and that node, seeing them here, said
   * nothing), so when a snapshot shows them online after this node said offline, it says so. "Online" is never wrong:
   * the user was connected here.
   */
  const announced = new Map<string, boolean>();

  function tell(userId: string, online: boolean, announce: boolean) {
    if (announce) announced.set(userId, online);
    for (const listener of presenceListeners) listener(userId, online, announce);
  }

  function onOtherNode(userId: string): boolean {
    for (const users of remote.values()) if (users.has(userId)) return true;
    return false;
  }

  function deliver(type: ClientEventType, data: unknown, to: { users?: Iterable<string>; managers?: boolean }) {
    const payload = serialize(type, data as ClientEventMap[typeof type]);
    const sent = new Set<Connection>();
    for (const userId of to.users ?? []) {
      for (const connection of byUser.get(userId) ?? []) {
        sent.add(connection);
        write(connection, payload);
      }
    }
    if (to.managers !== false) {
      for (const connection of managers) if (!sent.has(connection)) write(connection, payload);
    }
  }

  function disconnect(broadcast: Extract<HubBroadcast, { kind: 'disconnect' }>) {
    const { userId, key, code, reason } = broadcast;
    if (broadcast.scope === 'user') closeWhere(userId, () => true, code, reason);
    else if (broadcast.scope === 'credential') closeWhere(userId, (c) => c.credential?.key === key, code, reason);
    else
      closeWhere(
        userId,
        (c) => c.credential?.key.startsWith('session:') === true && c.credential.key !== key,
        code,
        reason,
      );
  }

  function broadcast(message: HubBroadcast) {
    for (const listener of broadcastListeners) listener(message);
  }

  function closeWhere(userId: string, ends: (connection: Connection) => boolean, code: number, reason: string) {
    for (const connection of [...(byUser.get(userId) ?? [])]) {
      if (!ends(connection)) continue;
      remove(connection);
      connection.socket.close(code, reason);
    }
  }

  function serialize<T extends ClientEventType>(type: T, data: ClientEventMap[T]): string {
    const event: ClientEvent<T> = { type, data, at: new Date(clock.now()).toISOString() };
    return JSON.stringify(event);
  }

  return {
    connect(socket: RealtimeSocket, userId: string, role: Role, credential?: SocketCredential): () => void {
      const connection: Connection = { socket, userId, role, credential };
      let set = byUser.get(userId);
      const first = !set;
      if (!set) byUser.set(userId, (set = new Set()));
      set.add(connection);
      if (role === 'manager' || role === 'admin') managers.add(connection);
      if (first) for (const listener of localPresenceListeners) listener();
      if (first && !onOtherNode(userId)) tell(userId, true, true);
      return () => remove(connection);
    },
    onPresence(listener: PresenceListener) {
      presenceListeners.push(listener);
    },
    onPublish(listener: PublishListener) {
      publishListeners.push(listener);
    },
    /** Connected here or on another node. */
    isOnline(userId: string) {
      return byUser.has(userId) || onOtherNode(userId);
    },
    onlineUserIds() {
      const ids = new Set(byUser.keys());
      for (const users of remote.values()) for (const id of users) ids.add(id);
      return [...ids];
    },
    /** Users with a connection to this node. */
    localUserIds() {
      return [...byUser.keys()];
    },
    /** The users connected to this node changed (one came or went): the cluster relay tells the other nodes. */
    onLocalPresence(listener: () => void) {
      localPresenceListeners.push(listener);
    },
    /** What other nodes must do as well: the cluster relay sends it on. */
    onBroadcast(listener: (broadcast: HubBroadcast) => void) {
      broadcastListeners.push(listener);
    },
    /** Another node's broadcast, done here for this node's sockets. Nothing is told again: its node told everyone. */
    apply(message: HubBroadcast) {
      if (closed) return;
      if (message.kind === 'publish') deliver(message.type, message.data, message.to);
      else disconnect(message);
    },
    /**
     * Who is connected to another node, as that node last said (null: the node is gone). Presence listeners hear of
     * each user whose presence anywhere changed.
     */
    setRemotePresence(nodeId: string, userIds: Iterable<string> | null) {
      const before = new Set(this.onlineUserIds());
      if (userIds === null) remote.delete(nodeId);
      else remote.set(nodeId, new Set(userIds));
      const after = new Set(this.onlineUserIds());
      const gone = userIds === null;
      for (const id of after) if (!before.has(id)) tell(id, true, gone || announced.get(id) === false);
      for (const id of before) if (!after.has(id)) tell(id, false, gone);
    },
    /** Send to the given users, and to every manager unless `managers: false`. Each socket gets one copy. */
    publish<T extends ClientEventType>(
      type: T,
      data: ClientEventMap[T],
      to: { users?: Iterable<string>; managers?: boolean } = {},
    ) {
      deliver(type, data, to);
      for (const listener of publishListeners) listener(type, data, to);
      if (broadcastListeners.length > 0)
        broadcast({ kind: 'publish', type, data, to: { users: [...(to.users ?? [])], managers: to.managers } });
    },
    /** Closes a user's live connections (their account changed); a client still allowed in reconnects as who it is now. */
    disconnectUser(userId: string, code: number, reason: string) {
      const message = { kind: 'disconnect', userId, scope: 'user', code, reason } as const;
      disconnect(message);
      broadcast(message);
    },
    /** Closes a user's connections that one credential opened (a session signed out, a token revoked). */
    disconnectCredential(userId: string, key: string, code: number, reason: string) {
      const message = { kind: 'disconnect', userId, scope: 'credential', key, code, reason } as const;
      disconnect(message);
      broadcast(message);
    },
    /** Closes a user's connections opened by any of their sessions but `except` (the one that changed the password). */
    disconnectSessions(userId: string, except: string | undefined, code: number, reason: string) {
      const message = { kind: 'disconnect', userId, scope: 'sessions', key: except, code, reason } as const;
      disconnect(message);
      broadcast(message);
    },
    /** Closes every connection whose credential has expired; returns how many. */
    closeExpired(): number {
      const now = clock.now();
      let ended = 0;
      for (const set of [...byUser.values()]) {
        for (const connection of [...set]) {
          if (!connection.credential || connection.credential.expiresAt > now) continue;
          remove(connection);
          connection.socket.close(CREDENTIAL_ENDED, 'session expired: sign in again');
          ended++;
        }
      }
      return ended;
    },
    /** Manager (and admin) sockets connected: dashboard-only work can be skipped when there are none. */
    managerCount: () => managers.size,
    stats() {
      return {
        connections: [...byUser.values()].reduce((n, s) => n + s.size, 0),
        users: byUser.size,
        delivered,
        droppedSlow,
      };
    },
    /** Closes every connection but stays open for new ones: the browsers reconnect and fetch what they missed. */
    closeConnections(code: number, reason: string) {
      for (const set of [...byUser.values()])
        for (const connection of [...set]) {
          remove(connection);
          connection.socket.close(code, reason);
        }
    },
    closeAll() {
      closed = true;
      for (const set of byUser.values()) for (const c of set) c.socket.close(1001, 'server shutting down');
      byUser.clear();
      managers.clear();
    },
  };
}
export type RealtimeHub = ReturnType<typeof createRealtimeHub>;
