// API tokens: issued by admins to tools, listed without their secrets, revoked or expiring; each acts for its owner.
import { iso, isoOrNull } from './presenters.js';
import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiTokens, users } from '../../db/schema.js';
import type { ApiToken, Role } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId, newToken } from '../domain/ids.js';
import { roleAtLeast } from '../domain/roles.js';
import { notFound } from '../errors.js';
import { hashToken, type Principal, type PrincipalCache } from './principals.js';
import { CREDENTIAL_ENDED, type RealtimeHub } from './realtime-hub.js';

/** A token's last use is written at most this often: a write per request would cost ingest its throughput. */
export const TOKEN_USE_GRANULARITY_MS = 60_000;

const credentialOf = (id: string) => `token:${id}`;
const toApiToken = (row: typeof apiTokens.$inferSelect, owner: { id: string; name: string }): ApiToken => ({
  id: row.id,
  name: row.name,
  role: row.role,
  createdAt: iso(row.createdAt),
  expiresAt: isoOrNull(row.expiresAt),
  lastUsedAt: isoOrNull(row.lastUsedAt),
  owner,
});

export function createApiTokens({
  db,
  clock,
  principals,
  connections,
}: {
  db: Db;
  clock: Clock;
  principals: PrincipalCache;
  connections: Pick<RealtimeHub, 'disconnectCredential'>;
}) {
  // Every request made with a token runs this lookup, so it is prepared once.
  const lookup = db
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

  // When each token's use was last written; read from its row when the token is first seen.
  const usedAt = new Map<string, number>();
  const noteUse = (tokenId: string, stored: number | null = null) => {
    const now = clock.now();
    const written = Math.max(usedAt.get(tokenId) ?? -Infinity, stored ?? -Infinity);
    if (now - written < TOKEN_USE_GRANULARITY_MS) {
      usedAt.set(tokenId, written);
      return;
    }
    usedAt.set(tokenId, now);
    db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, tokenId)).run();
  };

  return {
    /** The secret is returned here only: what is stored is its hash. */
    createApiToken(input: { name: string; role: Role; userId: string; expiresInDays?: number }): {
      token: string;
      apiToken: ApiToken;
    } {
      const token = `hf_${newToken()}`;
      const now = clock.now();
      const row = db
        .insert(apiTokens)
        .values({
          id: newId(now),
          name: input.name,
          tokenHash: hashToken(token),
          role: input.role,
          userId: input.userId,
          createdAt: now,
          expiresAt: input.expiresInDays === undefined ? null : now + input.expiresInDays * 24 * 3600_000,
        })
        .returning()
        .get();
      const owner = db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, input.userId)).get()!;
      return { token, apiToken: toApiToken(row, owner) };
    },

    /** Tokens not revoked (in force or expired), newest first, with whose they are; never their secrets. */
    listApiTokens(): ApiToken[] {
      return db
        .select({ token: apiTokens, owner: { id: users.id, name: users.name } })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(isNull(apiTokens.revokedAt))
        .orderBy(desc(apiTokens.createdAt))
        .all()
        .map(({ token, owner }) => toApiToken(token, owner));
    },

    /** A revoked token is refused from the next request on, and the live connections it opened close. */
    revokeApiToken(id: string): void {
      const revoked = db
        .update(apiTokens)
        .set({ revokedAt: clock.now() })
        .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
        .returning()
        .get();
      if (!revoked) throw notFound('API token');
      principals.forget(revoked.tokenHash);
      usedAt.delete(id);
      connections.disconnectCredential(revoked.userId, credentialOf(id), CREDENTIAL_ENDED, 'API token revoked');
    },

    tokenPrincipal(token: string): Principal | null {
      const tokenHash = hashToken(token);
      const known = principals.recall(tokenHash, 'token');
      if (known) {
        noteUse(known.tokenId!);
        return known;
      }
      const row = lookup.get({ tokenHash, now: clock.now() });
      if (!row || !row.user.active) return null;
      noteUse(row.token.id, row.token.lastUsedAt);
      // A token acts as its owner, with the role it was issued for, never more than the owner has now.
      const role = roleAtLeast(row.user.role, row.token.role) ? row.token.role : row.user.role;
      const { id, email, name } = row.user;
      return principals.keep(tokenHash, {
        user: { id, email, name, role },
        via: 'token',
        credential: credentialOf(row.token.id),
        expiresAt: row.token.expiresAt ?? Infinity,
        tokenId: row.token.id,
      });
    },
  };
}
