// Browser sessions, stored by their token's hash only; a session ends by being revoked or by expiring.
import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { sessions, users, type UserRow } from '../../db/schema.js';

export type NewSession = Omit<typeof sessions.$inferInsert, 'revokedAt'>;

export interface SessionHolder {
  user: UserRow;
  csrfToken: string;
  expiresAt: number;
}

export function createSessionRepository(db: Db) {
  // Every request with a session cookie runs this lookup, so it is prepared once.
  const inForce = db
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

  return {
    read: {
      /** The session with this token hash and its account, if it is neither revoked nor expired at `now`. */
      async inForce(tokenHash: string, now: number): Promise<SessionHolder | undefined> {
        return inForce.get({ tokenHash, now });
      },
    },
    write: {
      async insert(session: NewSession): Promise<void> {
        db.insert(sessions).values(session).run();
      },
      /** The owner of the session it ended; `undefined` if it had already ended. */
      async revoke(tokenHash: string, now: number): Promise<string | undefined> {
        return db
          .update(sessions)
          .set({ revokedAt: now })
          .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)))
          .returning({ userId: sessions.userId })
          .get()?.userId;
      },
      /** Ends every session of the user, but the one with the token hash `except`. */
      async revokeAllFor(userId: string, now: number, except?: string): Promise<void> {
        db.update(sessions)
          .set({ revokedAt: now })
          .where(
            and(
              eq(sessions.userId, userId),
              isNull(sessions.revokedAt),
              except === undefined ? undefined : ne(sessions.tokenHash, except),
            ),
          )
          .run();
      },
    },
  };
}
