// API tokens: issued by admins to tools, listed without their secrets, revoked or expiring; each acts for its owner.
import type { ApiToken, Role } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId, newToken } from '../domain/ids.js';
import { roleAtLeast } from '../domain/roles.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import { notFound } from '../errors.js';
import type { ApiTokenRow, TokenOwner } from '../repositories/api-tokens.js';
import type { ReadRepositories } from '../repositories/index.js';
import { hashToken, type Principal, type PrincipalCache } from './principals.js';
import { iso, isoOrNull } from './presenters.js';
import { CREDENTIAL_ENDED, type RealtimeHub } from './realtime-hub.js';

/** A token's last use is written at most this often: a write per request would cost ingest its throughput. */
export const TOKEN_USE_GRANULARITY_MS = 60_000;

const credentialOf = (id: string) => `token:${id}`;
const toApiToken = (row: ApiTokenRow, owner: TokenOwner): ApiToken => ({
  id: row.id,
  name: row.name,
  role: row.role,
  createdAt: iso(row.createdAt),
  expiresAt: isoOrNull(row.expiresAt),
  lastUsedAt: isoOrNull(row.lastUsedAt),
  owner,
});

export function createApiTokens({
  data,
  uow,
  clock,
  principals,
  connections,
}: {
  data: Pick<ReadRepositories, 'apiTokens'>;
  uow: UnitOfWork;
  clock: Clock;
  principals: PrincipalCache;
  connections: Pick<RealtimeHub, 'disconnectCredential'>;
}) {
  // When each token's use was last written; read from its row when the token is first seen. Noted before the write
  // is awaited, so requests arriving meanwhile do not write it again.
  const usedAt = new Map<string, number>();
  const noteUse = async (tokenId: string, stored: number | null = null) => {
    const now = clock.now();
    const written = Math.max(usedAt.get(tokenId) ?? -Infinity, stored ?? -Infinity);
    if (now - written < TOKEN_USE_GRANULARITY_MS) {
      usedAt.set(tokenId, written);
      return;
    }
    usedAt.set(tokenId, now);
    await uow.run((unit) => unit.apiTokens.noteUse(tokenId, now));
  };

  return {
    /** The secret is returned here only: what is stored is its hash. */
    async createApiToken(input: { name: string; role: Role; userId: string; expiresInDays?: number }): Promise<{
      token: string;
      apiToken: ApiToken;
    }> {
      const token = `hf_${newToken()}`;
      const now = clock.now();
      const { row, owner } = await uow.run(async (unit) => {
        const owner = await unit.users.byId(input.userId);
        if (!owner) throw notFound('User');
        const row = await unit.apiTokens.insert({
          id: newId(now),
          name: input.name,
          tokenHash: hashToken(token),
          role: input.role,
          userId: input.userId,
          createdAt: now,
          expiresAt: input.expiresInDays === undefined ? null : now + input.expiresInDays * 24 * 3600_000,
        });
        return { row, owner };
      });
      return { token, apiToken: toApiToken(row, { id: owner.id, name: owner.name }) };
    },

    /** Tokens not revoked (in force or expired), newest first, with whose they are; never their secrets. */
    async listApiTokens(): Promise<ApiToken[]> {
      return (await data.apiTokens.notRevoked()).map(({ token, owner }) => toApiToken(token, owner));
    },

    /** A revoked token is refused from the next request on, and the live connections it opened close. */
    async revokeApiToken(id: string): Promise<void> {
      const revoked = await uow.run((unit) => unit.apiTokens.revoke(id, clock.now()));
      if (!revoked) throw notFound('API token');
      principals.forget(revoked.tokenHash);
      usedAt.delete(id);
      connections.disconnectCredential(revoked.userId, credentialOf(id), CREDENTIAL_ENDED, 'API token revoked');
    },

    async tokenPrincipal(token: string): Promise<Principal | null> {
      const tokenHash = hashToken(token);
      const known = principals.recall(tokenHash, 'token');
      if (known) {
        if (known.tokenId !== undefined) await noteUse(known.tokenId);
        return known;
      }
      const row = await data.apiTokens.inForce(tokenHash, clock.now());
      if (!row || !row.user.active) return null;
      await noteUse(row.token.id, row.token.lastUsedAt);
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
