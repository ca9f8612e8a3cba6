// API tokens, stored by their secret's hash only, each acting for the user who owns it.
import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiTokens, users, type UserRow } from '../../db/schema.js';

export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type NewApiToken = Omit<typeof apiTokens.$inferInsert, 'lastUsedAt' | 'revokedAt'>;
export interface TokenOwner {
  id: string;
  name: string;
}

export function createApiTokenRepository(db: Db) {
  // Every request made with a token runs this lookup, so it is prepared once.
  const inForce = db
    .select({ user: users, token: apiTokens })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.tokenHash, sql.placeholder('tokenHash')),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql.placeholder('now'))),
      ),
    )
    .prepare();

  return {
    read: {
      /** The token with this hash and its owner, if it is neither revoked nor expired at `now`. */
      async inForce(tokenHash: string, now: number): Promise<{ user: UserRow; token: ApiTokenRow } | undefined> {
        return inForce.get({ tokenHash, now });
      },
      /** Tokens not revoked (in force or expired), newest first, with whose they are. */
      async notRevoked(): Promise<{ token: ApiTokenRow; owner: TokenOwner }[]> {
        return db
          .select({ token: apiTokens, owner: { id: users.id, name: users.name } })
          .from(apiTokens)
          .innerJoin(users, eq(users.id, apiTokens.userId))
          .where(isNull(apiTokens.revokedAt))
          .orderBy(desc(apiTokens.createdAt))
          .all();
      },
    },
    write: {
      async insert(token: NewApiToken): Promise<ApiTokenRow> {
        return db.insert(apiTokens).values(token).returning().get();
      },
      /** The token it revoked; `undefined` if there is none in force with this id. */
      async revoke(id: string, now: number): Promise<ApiTokenRow | undefined> {
        return db
          .update(apiTokens)
          .set({ revokedAt: now })
          .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
          .returning()
          .get();
      },
      async noteUse(id: string, at: number): Promise<void> {
        db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id)).run();
      },
    },
  };
}
