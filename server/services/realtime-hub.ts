// One hub decides who receives each realtime event: offers go to the offered experts, a question's changes to its
// assignee, and everything to managers. Sockets register under their user id; a user may have several tabs open.
// Each socket has a bounded send buffer: a client that cannot keep up is dropped and resyncs over REST on reconnect.
import type { ClientEvent, ClientEventMap, ClientEventType } from '../contracts/events.js';
import type { Role } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';

export interface RealtimeSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  readonly bufferedAmount: number;
}

interface Connection { socket: RealtimeSocket; userId: string; role: Role }

export interface PresenceListener { (userId: string, online: boolean): void }

export const MAX_BUFFERED_BYTES = 1024 * 1024;

export function createRealtimeHub(clock: Clock) {
  const byUser = new Map<string, Set<Connection>>();
  const managers = new Set<Connection>();
  const presenceListeners: PresenceListener[] = [];
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
      for (const listener of presenceListeners) listener(connection.userId, false);
    }
  }

  function serialize<T extends ClientEventType>(type: T, data: ClientEventMap[T]): string {
    const event: ClientEvent<T> = { type, data, at: new Date(clock.now()).toISOString() };
    return JSON.stringify(event);
  }

  return {
    connect(socket: RealtimeSocket, userId: string, role: Role): () => void {
      const connection: Connection = { socket, userId, role };
      let set = byUser.get(userId);
      const first = !set;
      if (!set) byUser.set(userId, (set = new Set()));
      set.add(connection);
      if (role === 'manager' || role === 'admin') managers.add(connection);
      if (first) for (const listener of presenceListeners) listener(userId, true);
      return () => remove(connection);
    },
    onPresence(listener: PresenceListener) { presenceListeners.push(listener); },
    isOnline(userId: string) { return byUser.has(userId); },
    onlineUserIds() { return [...byUser.keys()]; },
    /** Send to the given users, and to every manager unless `managers: false`. Each socket gets one copy. */
    publish<T extends ClientEventType>(type: T, data: ClientEventMap[T], to: { users?: Iterable<string>; managers?: boolean } = {}) {
      const payload = serialize(type, data);
      const sent = new Set<Connection>();
      for (const userId of to.users ?? []) {
        for (const connection of byUser.get(userId) ?? []) { sent.add(connection); write(connection, payload); }
      }
      if (to.managers !== false) {
        for (const connection of managers) if (!sent.has(connection)) write(connection, payload);
      }
    },
    /** Closes a user's live connections (their account changed); a client still allowed in reconnects as who it is now. */
    disconnectUser(userId: string, code: number, reason: string) {
      for (const connection of [...(byUser.get(userId) ?? [])]) {
        remove(connection);
        connection.socket.close(code, reason);
      }
    },
    /** Manager (and admin) sockets connected: dashboard-only work can be skipped when there are none. */
    managerCount: () => managers.size,
    stats() { return { connections: [...byUser.values()].reduce((n, s) => n + s.size, 0), users: byUser.size, delivered, droppedSlow }; },
    closeAll() {
      closed = true;
      for (const set of byUser.values()) for (const c of set) c.socket.close(1001, 'server shutting down');
      byUser.clear();
      managers.clear();
    },
  };
}
export type RealtimeHub = ReturnType<typeof createRealtimeHub>;
