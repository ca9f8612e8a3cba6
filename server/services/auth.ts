// Accounts and their sessions: sign-in, passwords, what admins change. API tokens (api-tokens.ts) share the principal
// cache, so a change here (a deactivation, a new password) reaches requests made with either at once.
import argon2 from 'argon2';
import type { UserRow } from '../../db/schema.js';
import type { Account, Role, User } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId, newToken } from '../domain/ids.js';
import type { UnitOfWork, Unit } from '../events/unit-of-work.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import type { ReadRepositories } from '../repositories/index.js';
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
const normalEmail = (email: string) => email.trim().toLowerCase();

// argon2 is slow by design; comparing against a fixed hash when the email is unknown keeps timing from revealing
// accounts.
let dummyHash: Promise<string> | undefined;

/**
 * Requests are authenticated before their body is read, so the acting admin is read again inside the write: two
 * admins demoting each other at once cannot both succeed, and an active admin always remains.
 */
async function assertActiveAdmin(unit: Unit, actorId: string) {
  const acting = await unit.users.byId(actorId);
  if (!acting?.active || acting.role !== 'admin') throw forbidden('Only an active admin can change accounts');
}

export function createAuthService({
  data,
  uow,
  clock,
  connections = NO_CONNECTIONS,
}: {
  data: Pick<ReadRepositories, 'users' | 'sessions' | 'apiTokens'>;
  uow: UnitOfWork;
  clock: Clock;
  connections?: Connections;
}) {
  const principals = createPrincipalCache(clock);

  return {
    ...createApiTokens({ data, uow, clock, principals, connections }),

    async createUser(input: { email: string; name: string; role: Role; password: string }): Promise<User> {
      const email = normalEmail(input.email);
      const taken = () => conflict('email_taken', `A user with email ${email} already exists`);
      // Checked before hashing too, so a taken email is answered without argon2's cost.
      if (await data.users.byEmail(email)) throw taken();
      const passwordHash = await argon2.hash(input.password);
      const row = await uow.run((unit) =>
        unit.users.insert({
          id: newId(clock.now()),
          email,
          name: input.name.trim(),
          role: input.role,
          passwordHash,
          createdAt: clock.now(),
        }),
      );
      if (!row) throw taken();
      return toUser(row);
    },

    async verifyPassword(email: string, password: string): Promise<{ user: User; mustChangePassword: boolean } | null> {
      const row = await data.users.byEmail(normalEmail(email));
      if (!row || !row.active) {
        dummyHash ??= argon2.hash('not-a-real-password');
        await argon2.verify(await dummyHash, password);
        return null;
      }
      if (!(await argon2.verify(row.passwordHash, password))) return null;
      // The account may have been deactivated (or changed) while the password was being hashed.
      const now = await data.users.byId(row.id);
      return now?.active ? { user: toUser(now), mustChangePassword: now.mustChangePassword } : null;
    },

    async createSession(userId: string): Promise<{ token: string; csrfToken: string; expiresAt: number }> {
      const token = newToken();
      const csrfToken = newToken(24);
      const now = clock.now();
      const expiresAt = now + SESSION_TTL_MS;
      await uow.run((unit) =>
        unit.sessions.insert({ tokenHash: hashToken(token), userId, csrfToken, createdAt: now, expiresAt }),
      );
      return { token, csrfToken, expiresAt };
    },

    async sessionPrincipal(token: string): Promise<Principal | null> {
      const tokenHash = hashToken(token);
      const known = principals.recall(tokenHash, 'session');
      if (known) return known;
      const row = await data.sessions.inForce(tokenHash, clock.now());
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
    async revokeSession(tokenHash: string): Promise<void> {
      const userId = await uow.run((unit) => unit.sessions.revoke(tokenHash, clock.now()));
      // Forgotten once revoked: a request looking the session up while it was being revoked may have kept it.
      principals.forget(tokenHash);
      if (userId) connections.disconnectCredential(userId, credentialOf(tokenHash), CREDENTIAL_ENDED, 'signed out');
    },

    /**
     * Someone changes their own password: the session they did it from stays, every other one ends (a password is
     * changed because it may have leaked), with its live connections. API tokens are credentials of their own and stay.
     */
    async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
      if (principal.via !== 'session' || principal.sessionTokenHash === undefined)
        throw forbidden('Change a password from a signed-in session, not with an API token');
      const keep = principal.sessionTokenHash;
      const row = await data.users.byId(principal.user.id);
      if (!row?.active) throw forbidden('This account is deactivated');
      if (!(await argon2.verify(row.passwordHash, currentPassword)))
        throw invalid('wrong_password', 'The current password is not right');
      if (newPassword === currentPassword)
        throw invalid('same_password', 'Choose a new password, different from the current one');
      const passwordHash = await argon2.hash(newPassword);
      await uow.run(async (unit) => {
        await unit.users.setPassword(row.id, passwordHash, false);
        await unit.sessions.revokeAllFor(row.id, clock.now(), keep);
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
      if (!(await data.users.byId(id))) throw notFound('User');
      const passwordHash = await argon2.hash(temporaryPassword);
      await uow.run(async (unit) => {
        await assertActiveAdmin(unit, actor.id);
        await unit.users.setPassword(id, passwordHash, true);
        await unit.sessions.revokeAllFor(id, clock.now());
      });
      principals.forgetUser(id);
      connections.disconnectSessions(id, undefined, CREDENTIAL_ENDED, 'password reset by an admin: sign in again');
    },

    /**
     * An admin renames someone, changes their role, or deactivates / reactivates them. What is kept of them is dropped
     * at once, so the next request sees the change; deactivating also ends their sessions (reactivated, they sign in
     * again). Nobody changes their own role or access: an admin could lock the last admin out. The account is read
     * inside the write, so of two changes at once only one sees it active and ends its sessions.
     */
    async updateUser(
      actor: User,
      id: string,
      patch: { name?: string; role?: Role; active?: boolean },
    ): Promise<{ before: Account; after: Account }> {
      const { before, after } = await uow.run(async (unit) => {
        const row = await unit.users.byId(id);
        if (!row) throw notFound('User');
        if (id === actor.id && ((patch.role !== undefined && patch.role !== row.role) || patch.active === false)) {
          throw invalid('own_account', 'You cannot change your own role or deactivate yourself; ask another admin');
        }
        await assertActiveAdmin(unit, actor.id);
        const updated = await unit.users.update(id, patch);
        if (!updated) throw notFound('User');
        if (row.active && !updated.active) await unit.sessions.revokeAllFor(id, clock.now());
        return { before: row, after: updated };
      });
      principals.forgetUser(id);
      return { before: toAccount(before), after: toAccount(after) };
    },

    async listAccounts(): Promise<Account[]> {
      return (await data.users.all()).map(toAccount);
    },

    async listUsers(): Promise<User[]> {
      return (await data.users.all()).map(toUser);
    },

    async userCount(): Promise<number> {
      return data.users.count();
    },
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
