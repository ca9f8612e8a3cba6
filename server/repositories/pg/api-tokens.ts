// API tokens on PostgreSQL: the same reads and writes as ../api-tokens.ts, over db/pg/schema.ts.
import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { prepared } from './connection.js';
import { apiTokens, users } from '../../../db/pg/schema.js';
import type { NewApiToken, createApiTokenRepository as sqliteApiTokens } from '../api-tokens.js';

export function createApiTokenRepository(db: PgDb): ReturnType<typeof sqliteApiTokens> {
  // Asked on every request an integration makes: prepared once.
  const inForce = prepared(db, 'api_tokens_in_force', (b) =>
    b
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
      .limit(1),
  );
  return {
    read: {
      async inForce(tokenHash: string, now: number) {
        const [row] = await inForce.execute({ tokenHash, now });
        return row;
      },
      async notRevoked() {
        return db
          .select({ token: apiTokens, owner: { id: users.id, name: users.name } })
          .from(apiTokens)
          .innerJoin(users, eq(users.id, apiTokens.userId))
          .where(isNull(apiTokens.revokedAt))
          .orderBy(desc(apiTokens.createdAt));
      },
    },
    write: {
      async insert(token: NewApiToken) {
        const [row] = await db.insert(apiTokens).values(token).returning();
        if (!row) throw new Error('the token insert returned no row');
        return row;
      },
      async revoke(id: string, now: number) {
        const [row] = await db
          .update(apiTokens)
          .set({ revokedAt: now })
          .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
          .returning();
        return row;
      },
      async noteUse(id: string, at: number) {
        await db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id));
      },
    },
  };
}
