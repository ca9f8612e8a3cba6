import { createHash } from 'node:crypto';
import argon2 from 'argon2';
import { and, count, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiTokens, sessions, users, type UserRow } from '../../db/schema.js';
import type { Account, Role, User } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId, newToken } from '../domain/ids.js';
import { roleAtLeast } from '../domain/roles.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';

export const SESSION_TTL_MS = 7 * 24 * 3600_000;

export interface Principal { user: User; via: 'session' | 'token'; csrfToken?: string; sessionTokenHash?: string }

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const toUser = (row: UserRow): User => ({ id: row.id, email: row.email, name: row.name, role: row.role });
const toAccount = (row: UserRow): Account => ({ ...toUser(row), active: row.active });

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

export function createAuthService({ db, clock }: { db: Db; clock: Clock }) {
  // Every authenticated request runs one of these two lookups, so they are prepared once.
  const statements = {
    session: db.select({ user: users, csrfToken: sessions.csrfToken, expiresAt: sessions.expiresAt }).from(sessions).innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, sql.placeholder('tokenHash')), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql.placeholder('now')))).prepare(),
    token: db.select({ user: users, token: apiTokens }).from(apiTokens).innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, sql.placeholder('tokenHash')), isNull(apiTokens.revokedAt))).prepare(),
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

  return {
    async createUser(input: { email: string; name: string; role: Role; password: string }): Promise<User> {
      const email = input.email.trim().toLowerCase();
      if (db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()) {
        throw conflict('email_taken', `A user with email ${email} already exists`);
      }
      const passwordHash = await argon2.hash(input.password);
      const row = db.insert(users).values({ id: newId(clock.now()), email, name: input.name.trim(), role: input.role, passwordHash, createdAt: clock.now() })
        .onConflictDoNothing().returning().get();
      if (!row) throw conflict('email_taken', `A user with email ${email} already exists`);
      return toUser(row);
    },

    async verifyPassword(email: string, password: string): Promise<User | null> {
      const row = db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
      if (!row || !row.active) {
        dummyHash ??= argon2.hash('not-a-real-password');
        await argon2.verify(await dummyHash, password);
        return null;
      }
      if (!(await argon2.verify(row.passwordHash, password))) return null;
      // The account may have been deactivated (or changed) during the ~50 ms of hashing.
      const now = db.select().from(users).where(eq(users.id, row.id)).get();
      return now?.active ? toUser(now) : null;
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
      return keep(tokenHash, { user: toUser(row.user), via: 'session', csrfToken: row.csrfToken, sessionTokenHash: tokenHash }, row.expiresAt);
    },

    revokeSession(tokenHash: string) {
      kept.delete(tokenHash);
      db.update(sessions).set({ revokedAt: clock.now() }).where(eq(sessions.tokenHash, tokenHash)).run();
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
      for (const [tokenHash, { principal }] of kept) if (principal.user.id === id) kept.delete(tokenHash);
      return { before: toAccount(row), after: toAccount(after) };
    },

    listAccounts(): Account[] {
      return db.select().from(users).all().map(toAccount);
    },

    createApiToken(input: { name: string; role: Role; userId: string }): string {
      const token = `hf_${newToken()}`;
      db.insert(apiTokens).values({ id: newId(clock.now()), name: input.name, tokenHash: hashToken(token), role: input.role, userId: input.userId, createdAt: clock.now() }).run();
      return token;
    },

    tokenPrincipal(token: string): Principal | null {
      const tokenHash = hashToken(token);
      const known = recall(tokenHash, 'token');
      if (known) return known;
      const row = statements.token.get({ tokenHash });
      if (!row || !row.user.active) return null;
      // A token acts as its owner, with the role it was issued for, never more than the owner has now.
      const role = roleAtLeast(row.user.role, row.token.role) ? row.token.role : row.user.role;
      return keep(tokenHash, { user: { ...toUser(row.user), role }, via: 'token' });
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
