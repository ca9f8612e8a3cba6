// Browser sessions on PostgreSQL: the same reads and writes as ../sessions.ts, over db/pg/schema.ts.
import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { sessions, users } from '../../../db/pg/schema.js';
import type { NewSession, createSessionRepository as sqliteSessions } from '../sessions.js';

export function createSessionRepository(db: PgDb): ReturnType<typeof sqliteSessions> {
  return {
    read: {
      async inForce(tokenHash: string, now: number) {
        const [row] = await db
          .select({ user: users, csrfToken: sessions.csrfToken, expiresAt: sessions.expiresAt })
          .from(sessions)
          .innerJoin(users, eq(users.id, sessions.userId))
          .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
          .limit(1);
        return row;
      },
    },
    write: {
      async insert(session: NewSession) {
        await db.insert(sessions).values(session);
      },
      async revoke(tokenHash: string, now: number) {
        const [row] = await db
          .update(sessions)
          .set({ revokedAt: now })
          .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)))
          .returning({ userId: sessions.userId });
        return row?.userId;
      },
      async revokeAllFor(userId: string, now: number, except?: string) {
        await db
          .update(sessions)
          .set({ revokedAt: now })
          .where(
            and(
              eq(sessions.userId, userId),
              isNull(sessions.revokedAt),
              except === undefined ? undefined : ne(sessions.tokenHash, except),
            ),
          );
      },
    },
  };
}
