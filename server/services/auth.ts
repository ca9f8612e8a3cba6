// Accounts and their sessions: sign-in, passwords, what admins change. API tokens (api-tokens.ts) share the principal
// cache, so a change here (a deactivation, a new password) reaches requests made with either at once.
import argon2 from 'argon2';
import { and, count, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { sessions, users, type UserRow } from '../../db/schema.js';
import type { Account, Role, User } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId, newToken } from '../domain/ids.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import { createApiTokens } from './api-tokens.js';
import { createPrincipalCache, hashToken, type Principal } from './principals.js';
import { CREDENTIAL_ENDED, type RealtimeHub } from './realtime-hub.js';

export { PRINCIPAL_TTL_MS, type Principal } from './principals.js';
export const SESSION_TTL_MS = 7 * 24 * 3600_000;

/** The live connections a credential opened close when it ends (sign-out, password change, revocation). */
type Connections = Pick<RealtimeHub, 'disconnectCredential' | 'disconnectSessions'>;
const NO_CONNECTIONS: Connections = { disconnectCredential: () => undefined, disconnectSessions: () => undefined };

export const toUser = (row: UserRow): User => ({ id: row.id, email: row.email, name: row.name, role: row.role });
const toAccount = (row: UserRow): Account => ({ ...toUser(row), active: row.active });
const credentialOf = (tokenHash: string) => `session:${tokenHash}`;

// argon2 is slow by design; comparing against a fixed hash when the email is unknown keeps timing from revealing
// accounts.
let dummyHash: Promise<string> | undefined;

export function createAuthService({
  db,
  clock,
  connections = NO_CONNECTIONS,
}: {
  db: Db;
  clock: Clock;
  connections?: Connections;
}) {
  // Every request with a session cookie runs this lookup, so it is prepared once.
  const sessionLookup = db
    .select({ user: users, csrfToken: sessions.csrfToken, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, sql.placeholder('tokenHash')),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql.placeholder('now')),
      ),
    )
    .prepare();
  const principals = createPrincipalCache(clock);

  /**
   * Requests are authenticated before their body is read, so the acting admin is read again inside the write: two
   * admins demoting each other at once cannot both succeed, and an active admin always remains.
   */
  const assertActiveAdmin = (actorId: string) => {
    const acting = db.select().from(users).where(eq(users.id, actorId)).get();
    if (!acting?.active || acting.role !== 'admin') throw forbidden('Only an active admin can change accounts');
  };
  return {
    ...createApiTokens({ db, clock, principals, connections }),

    async createUser(input: { email: string; name: string; role: Role; password: string }): Promise<User> {
      const email = input.email.trim().toLowerCase();
      if (db.select({ id: users.id }).from(users).where(eq(users.email, email)).get()) {
        throw conflict('email_taken', `A user with email ${email} already exists`);
      }
      const passwordHash = await argon2.hash(input.password);
      const row = db
        .insert(users)
        .values({
          id: newId(clock.now()),
          email,
          name: input.name.trim(),
          role: input.role,
          passwordHash,
          createdAt: clock.now(),
        })
        .onConflictDoNothing()
        .returning()
        .get();
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
      // The account may have been deactivated (or changed) while the password was being hashed.
      const now = db.select().from(users).where(eq(users.id, row.id)).get();
      return now?.active ? { user: toUser(now), mustChangePassword: now.mustChangePassword } : null;
    },

    createSession(userId: string): { token: string; csrfToken: string; expiresAt: number } {
      const token = newToken();
      const csrfToken = newToken(24);
      const now = clock.now();
      const expiresAt = now + SESSION_TTL_MS;
      db.insert(sessions)
        .values({ tokenHash: hashToken(token), userId, csrfToken, createdAt: now, expiresAt })
        .run();
      return { token, csrfToken, expiresAt };
    },

    sessionPrincipal(token: string): Principal | null {
      const tokenHash = hashToken(token);
      const known = principals.recall(tokenHash, 'session');
      if (known) return known;
      const row = sessionLookup.get({ tokenHash, now: clock.now() });
      if (!row || !row.user.active) return null;
      return principals.keep(tokenHash, {
        user: toUser(row.user),
        via: 'session',
        credential: credentialOf(tokenHash),
        expiresAt: row.expiresAt,
        csrfToken: row.csrfToken,
        sessionTokenHash: tokenHash,
        mustChangePassword: row.user.mustChangePassword,
      });
    },

    /** Signs a session out: it stops working at once, and the live connections it opened close. */
    revokeSession(tokenHash: string) {
      principals.forget(tokenHash);
      const ended = db
        .update(sessions)
        .set({ revokedAt: clock.now() })
        .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)))
        .returning({ userId: sessions.userId })
        .get();
      if (ended)
        connections.disconnectCredential(ended.userId, credentialOf(tokenHash), CREDENTIAL_ENDED, 'signed out');
    },

    /**
     * Someone changes their own password: the session they did it from stays, every other one ends (a password is
     * changed because it may have leaked), with its live connections. API tokens are credentials of their own and stay.
     */
    async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
      if (principal.via !== 'session')
        throw forbidden('Change a password from a signed-in session, not with an API token');
      const row = db.select().from(users).where(eq(users.id, principal.user.id)).get();
      if (!row?.active) throw forbidden('This account is deactivated');
      if (!(await argon2.verify(row.passwordHash, currentPassword)))
        throw invalid('wrong_password', 'The current password is not right');
      if (newPassword === currentPassword)
        throw invalid('same_password', 'Choose a new password, different from the current one');
      const passwordHash = await argon2.hash(newPassword);
      db.transaction(() => {
        db.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, row.id)).run();
        db.update(sessions)
          .set({ revokedAt: clock.now() })
          .where(
            and(
              eq(sessions.userId, row.id),
              isNull(sessions.revokedAt),
              ne(sessions.tokenHash, principal.sessionTokenHash!),
            ),
          )
          .run();
      });
      principals.forgetUser(row.id);
      connections.disconnectSessions(row.id, principal.credential, CREDENTIAL_ENDED, 'password changed: sign in again');
    },

    /**
     * An admin gives someone who forgot their password a temporary one: their sessions end, and at their next sign-in
     * they must choose their own before anything else, so the admin does not keep knowing it.
     */
    async setTemporaryPassword(actor: User, id: string, temporaryPassword: string): Promise<void> {
      if (id === actor.id) throw invalid('own_account', 'Change your own password from your profile');
      if (!db.select({ id: users.id }).from(users).where(eq(users.id, id)).get()) throw notFound('User');
      const passwordHash = await argon2.hash(temporaryPassword);
      db.transaction(() => {
        assertActiveAdmin(actor.id);
        db.update(users).set({ passwordHash, mustChangePassword: true }).where(eq(users.id, id)).run();
        db.update(sessions)
          .set({ revokedAt: clock.now() })
          .where(and(eq(sessions.userId, id), isNull(sessions.revokedAt)))
          .run();
      });
      principals.forgetUser(id);
      connections.disconnectSessions(id, undefined, CREDENTIAL_ENDED, 'password reset by an admin: sign in again');
    },

    /**
     * An admin renames someone, changes their role, or deactivates / reactivates them. What is kept of them is dropped
     * at once, so the next request sees the change; deactivating also ends their sessions (reactivated, they sign in
     * again). Nobody changes their own role or access: an admin could lock the last admin out.
     */
    updateUser(
      actor: User,
      id: string,
      patch: { name?: string; role?: Role; active?: boolean },
    ): { before: Account; after: Account } {
      const row = db.select().from(users).where(eq(users.id, id)).get();
      if (!row) throw notFound('User');
      if (id === actor.id && ((patch.role !== undefined && patch.role !== row.role) || patch.active === false)) {
        throw invalid('own_account', 'You cannot change your own role or deactivate yourself; ask another admin');
      }
      const after = db.transaction(() => {
        assertActiveAdmin(actor.id);
        const updated = db.update(users).set(patch).where(eq(users.id, id)).returning().get()!;
        if (row.active && !updated.active)
          db.update(sessions)
            .set({ revokedAt: clock.now() })
            .where(and(eq(sessions.userId, id), isNull(sessions.revokedAt)))
            .run();
        return updated;
      });
      principals.forgetUser(id);
      return { before: toAccount(row), after: toAccount(after) };
    },

    listAccounts(): Account[] {
      return db.select().from(users).all().map(toAccount);
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
