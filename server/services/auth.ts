import { createHash } from 'node:crypto';
import argon2 from 'argon2';
import { and, count, desc, eq, gt, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiTokens, sessions, users, type UserRow } from '../../db/schema.js';
import type { Account, ApiToken, Role, User } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId, newToken } from '../domain/ids.js';
import { roleAtLeast } from '../domain/roles.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import { CREDENTIAL_ENDED, type RealtimeHub } from './realtime-hub.js';

export const SESSION_TTL_MS = 7 * 24 * 3600_000;
/** A token's last use is written at most this often: a write per request would cost ingest its throughput. */
export const TOKEN_USE_GRANULARITY_MS = 60_000;

export interface Principal {
  user: User;
  via: 'session' | 'token';
  /** `session:<token hash>` or `token:<api token id>`: names what authorised a live connection, so ending it closes them. */
  credential: string;
  /** When the credential stops being valid (Infinity for a token that never expires). */
  expiresAt: number;
  csrfToken?: string;
  sessionTokenHash?: string;
  tokenId?: string;
  /** A session of an account given a temporary password: it may only choose its own (or sign out). */
  mustChangePassword?: boolean;
}

/** The live connections a credential opened close when it ends (sign-out, password change, revocation). */
type Connections = Pick<RealtimeHub, 'disconnectCredential' | 'disconnectSessions'>;
const NO_CONNECTIONS: Connections = { disconnectCredential: () => undefined, disconnectSessions: () => undefined };

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const toUser = (row: UserRow): User => ({ id: row.id, email: row.email, name: row.name, role: row.role });
const toAccount = (row: UserRow): Account => ({ ...toUser(row), active: row.active });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const sessionCredential = (tokenHash: string) => `session:${tokenHash}`;
const tokenCredential = (id: string) => `token:${id}`;

/**
 * Every authenticated request looks its principal up; at ingest rates the lookup (a hash, a two-table read and the
 * row mapping, ~45 µs) was ~6 % of a question's server CPU. Principals found are kept for a few seconds, keyed by
 * token hash: a change through the app (logout, an admin's change to the account) drops them at once; a token revoked
 * or a user deactivated directly in the database stops working within PRINCIPAL_TTL_MS. Unknown tokens are never kept.
 */
export const PRINCIPAL_TTL_MS = 5_000;
const PRINCIPALS_KEPT = 10_000;

interface Kept { principal: Principal; until: number }

// argon2 costs ~50 ms; comparing against a fixed hash when the email is unknown keeps timing from revealing accounts.
let dummyHash: Promise<string> | undefined;

export function createAuthService({ db, clock, connections = NO_CONNECTIONS }: { db: Db; clock: Clock; connections?: Connections }) {
  // Every authenticated request runs one of these two lookups, so they are prepared once.
  const statements = {
    session: db.select({ user: users, csrfToken: sessions.csrfToken, expiresAt: sessions.expiresAt }).from(sessions).innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, sql.placeholder('tokenHash')), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql.placeholder('now')))).prepare(),
    token: db.select({ user: users, token: apiTokens }).from(apiTokens).innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, sql.placeholder('tokenHash')), isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql.placeholder('now'))))).prepare(),
  };

  const kept = new Map<string, Kept>();
  // A kept principal answers only for its own kind of credential: an API token sent as the session cookie (or a
  // session token sent as Bearer) must not authenticate, and a cookie request must never skip CSRF as a token one.
  const recall = (tokenHash: string, via: Principal['via']): Principal | undefined => {
    const entry = kept.get(tokenHash);
    if (!entry || entry.principal.via !== via) return undefined;
    if (entry.until > clock.now()) return entry.principal;
    kept.delete(tokenHash);
    return undefined;
  };
  const keep = (tokenHash: string, principal: Principal, expiresAt = Infinity) => {
    if (kept.size >= PRINCIPALS_KEPT) kept.delete(kept.keys().next().value!);
    // One object serves many requests, so nobody may change it.
    Object.freeze(principal.user);
    kept.set(tokenHash, { principal: Object.freeze(principal), until: Math.min(clock.now() + PRINCIPAL_TTL_MS, expiresAt) });
    return principal;
  };
  const forgetUser = (userId: string) => {
    for (const [tokenHash, { principal }] of kept) if (principal.user.id === userId) kept.delete(tokenHash);
  };

  // When each token's use was last written; read from the row when the token is first seen.
  const tokenUsedAt = new Map<string, number>();
  const noteTokenUse = (tokenId: string, stored: number | null = null) => {
    const now = clock.now();
    const written = Math.max(tokenUsedAt.get(tokenId) ?? -Infinity, stored ?? -Infinity);
    if (now - written < TOKEN_USE_GRANULARITY_MS) { tokenUsedAt.set(tokenId, written); return; }
    tokenUsedAt.set(tokenId, now);
    db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, tokenId)).run();
  };

  const hashPassword = (password: string) => argon2.hash(password);
  const apiTokenOf = (row: typeof apiTokens.$inferSelect, owner: { id: string; name: string }): ApiToken => ({
    id: row.id, name: row.name, role: row.role, createdAt: iso(row.createdAt)!, expiresAt: iso(row.expiresAt), lastUsedAt: iso(row.lastUsedAt), owner,
  });

  return {
    async createUser(input: { email: string; name: string; role: Role; password: string }): Promise<User> {
      const email = input.email.trim().toLowerCase();
      if (db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()) {
        throw conflict('email_taken', `A user with email ${email} already exists`);
      }
      const passwordHash = await hashPassword(input.password);
      const row = db.insert(users).values({ id: newId(clock.now()), email, name: input.name.trim(), role: input.role, passwordHash, createdAt: clock.now() })
        .onConflictDoNothing().returning().get();
      if (!row) throw conflict('email_taken', `A user with email ${email} already exists`);
      return toUser(row);
    },

    async verifyPassword(email: string, password: string): Promise<{ user: User; mustChangePassword: boolean } | null> {
      const row = db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
      if (!row || !row.active) {
        dummyHash ??= argon2.hash('not-a-real-password');
        await argon2.verify(await dummyHash, password);
        return null;
      }
      if (!(await argon2.verify(row.passwordHash, password))) return null;
      // The account may have been deactivated (or changed) during the ~50 ms of hashing.
      const now = db.select().from(users).where(eq(users.id, row.id)).get();
      return now?.active ? { user: toUser(now), mustChangePassword: now.mustChangePassword } : null;
    },

    createSession(userId: string): { token: string; csrfToken: string; expiresAt: number } {
      const token = newToken();
      const csrfToken = newToken(24);
      const now = clock.now();
      const expiresAt = now + SESSION_TTL_MS;
      db.insert(sessions).values({ tokenHash: hashToken(token), userId, csrfToken, createdAt: now, expiresAt }).run();
      return { token, csrfToken, expiresAt };
    },

    sessionPrincipal(token: string): Principal | null {
      const tokenHash = hashToken(token);
      const known = recall(tokenHash, 'session');
      if (known) return known;
      const row = statements.session.get({ tokenHash, now: clock.now() });
      if (!row || !row.user.active) return null;
      return keep(tokenHash, {
        user: toUser(row.user), via: 'session', credential: sessionCredential(tokenHash), expiresAt: row.expiresAt,
        csrfToken: row.csrfToken, sessionTokenHash: tokenHash, mustChangePassword: row.user.mustChangePassword,
      }, row.expiresAt);
    },

    /** Signs a session out: it stops working at once, and the live connections it opened close. */
    revokeSession(tokenHash: string) {
      kept.delete(tokenHash);
      const ended = db.update(sessions).set({ revokedAt: clock.now() }).where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)))
        .returning({ userId: sessions.userId }).get();
      if (ended) connections.disconnectCredential(ended.userId, sessionCredential(tokenHash), CREDENTIAL_ENDED, 'signed out');
    },

    /**
     * Someone changes their own password: the session they did it from stays, every other one ends (a password is
     * changed because it may have leaked), with its live connections. API tokens are credentials of their own and stay.
     */
    async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
      if (principal.via !== 'session') throw forbidden('Change a password from a signed-in session, not with an API token');
      const row = db.select().from(users).where(eq(users.id, principal.user.id)).get();
      if (!row?.active) throw forbidden('This account is deactivated');
      if (!(await argon2.verify(row.passwordHash, currentPassword))) throw invalid('wrong_password', 'The current password is not right');
      if (newPassword === currentPassword) throw invalid('same_password', 'Choose a new password, different from the current one');
      const passwordHash = await hashPassword(newPassword);
      db.transaction(() => {
        db.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, row.id)).run();
        db.update(sessions).set({ revokedAt: clock.now() })
          .where(and(eq(sessions.userId, row.id), isNull(sessions.revokedAt), ne(sessions.tokenHash, principal.sessionTokenHash!))).run();
      });
      forgetUser(row.id);
      connections.disconnectSessions(row.id, principal.credential, CREDENTIAL_ENDED, 'password changed: sign in again');
    },

    /**
     * An admin gives someone who forgot their password a temporary one: their sessions end, and at their next sign-in
     * they must choose their own before anything else, so the admin does not keep knowing it.
     */
    async setTemporaryPassword(actor: User, id: string, temporaryPassword: string): Promise<void> {
      if (id === actor.id) throw invalid('own_account', 'Change your own password from your profile');
      if (!db.select({ id: users.id }).from(users).where(eq(users.id, id)).get()) throw notFound('User');
      const passwordHash = await hashPassword(temporaryPassword);
      db.transaction(() => {
        const acting = db.select().from(users).where(eq(users.id, actor.id)).get();
        if (!acting?.active || acting.role !== 'admin') throw forbidden('Only an active admin can change accounts');
        db.update(users).set({ passwordHash, mustChangePassword: true }).where(eq(users.id, id)).run();
        db.update(sessions).set({ revokedAt: clock.now() }).where(and(eq(sessions.userId, id), isNull(sessions.revokedAt))).run();
      });
      forgetUser(id);
      connections.disconnectSessions(id, undefined, CREDENTIAL_ENDED, 'password reset by an admin: sign in again');
    },

    /**
     * An admin renames someone, changes their role, or deactivates / reactivates them. What is kept of them is dropped
     * at once, so the next request sees the change; deactivating also ends their sessions (reactivated, they sign in
     * again). Nobody changes their own role or access: an admin could lock the last admin out.
     */
    updateUser(actor: User, id: string, patch: { name?: string; role?: Role; active?: boolean }): { before: Account; after: Account } {
      const row = db.select().from(users).where(eq(users.id, id)).get();
      if (!row) throw notFound('User');
      if (id === actor.id && ((patch.role !== undefined && patch.role !== row.role) || patch.active === false)) {
        throw invalid('own_account', 'You cannot change your own role or deactivate yourself; ask another admin');
      }
      const after = db.transaction(() => {
        // Requests are authenticated before their body is read, so two admins demoting each other at once would both
        // pass the route's role check and leave no admin: the actor is read again here, inside the write. With that
        // and nobody changing their own role or access, an active admin always remains.
        const acting = db.select().from(users).where(eq(users.id, actor.id)).get();
        if (!acting?.active || acting.role !== 'admin') throw forbidden('Only an active admin can change accounts');
        const updated = db.update(users).set(patch).where(eq(users.id, id)).returning().get()!;
        if (row.active && !updated.active) db.update(sessions).set({ revokedAt: clock.now() }).where(and(eq(sessions.userId, id), isNull(sessions.revokedAt))).run();
        return updated;
      });
      forgetUser(id);
      return { before: toAccount(row), after: toAccount(after) };
    },

    listAccounts(): Account[] {
      return db.select().from(users).all().map(toAccount);
    },

    /** The secret is returned here only: what is stored is its hash. */
    createApiToken(input: { name: string; role: Role; userId: string; expiresInDays?: number }): { token: string; apiToken: ApiToken } {
      const token = `hf_${newToken()}`;
      const now = clock.now();
      const row = db.insert(apiTokens).values({
        id: newId(now), name: input.name, tokenHash: hashToken(token), role: input.role, userId: input.userId, createdAt: now,
        expiresAt: input.expiresInDays === undefined ? null : now + input.expiresInDays * 24 * 3600_000,
      }).returning().get();
      const owner = db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, input.userId)).get()!;
      return { token, apiToken: apiTokenOf(row, owner) };
    },

    /** Tokens still in force or expired (not revoked), newest first, with whose they are; never their secrets. */
    listApiTokens(): ApiToken[] {
      return db.select({ token: apiTokens, owner: { id: users.id, name: users.name } }).from(apiTokens).innerJoin(users, eq(users.id, apiTokens.userId))
        .where(isNull(apiTokens.revokedAt)).orderBy(desc(apiTokens.createdAt)).all()
        .map(({ token, owner }) => apiTokenOf(token, owner));
    },

    /** A revoked token is refused from the next request on, and the live connections it opened close. */
    revokeApiToken(id: string): void {
      const revoked = db.update(apiTokens).set({ revokedAt: clock.now() }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).returning().get();
      if (!revoked) throw notFound('API token');
      kept.delete(revoked.tokenHash);
      tokenUsedAt.delete(id);
      connections.disconnectCredential(revoked.userId, tokenCredential(id), CREDENTIAL_ENDED, 'API token revoked');
    },

    tokenPrincipal(token: string): Principal | null {
      const tokenHash = hashToken(token);
      const known = recall(tokenHash, 'token');
      if (known) {
        noteTokenUse(known.tokenId!);
        return known;
      }
      const row = statements.token.get({ tokenHash, now: clock.now() });
      if (!row || !row.user.active) return null;
      noteTokenUse(row.token.id, row.token.lastUsedAt);
      // A token acts as its owner, with the role it was issued for, never more than the owner has now.
      const role = roleAtLeast(row.user.role, row.token.role) ? row.token.role : row.user.role;
      const expiresAt = row.token.expiresAt ?? Infinity;
      return keep(tokenHash, { user: { ...toUser(row.user), role }, via: 'token', credential: tokenCredential(row.token.id), expiresAt, tokenId: row.token.id }, expiresAt);
    },

    listUsers(): User[] {
      return db.select().from(users).all().map(toUser);
    },

    userCount(): number {
      return db.select({ n: count() }).from(users).get()!.n;
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
