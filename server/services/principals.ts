// Who a credential stands for, and the few seconds' memory of it that keeps authentication off the database.
import { createHash } from 'node:crypto';
import type { User } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';

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

/** Sessions and API tokens are stored as this hash only: a copy of the database holds no working credential. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Every authenticated request looks its principal up; at ingest rates the lookup (a hash, a two-table read and the row
 * mapping) is a noticeable share of a question's server CPU (docs/architecture.md#why-some-rules-are-so). Principals
 * found are kept for a few seconds, keyed by token hash: a change through the app (sign-out, a password change, a token
 * revoked, an admin's change to the account) drops them at once; a token revoked or a user deactivated directly in the
 * database stops working within PRINCIPAL_TTL_MS. Unknown tokens are never kept.
 */
export const PRINCIPAL_TTL_MS = 5_000;
const PRINCIPALS_KEPT = 10_000;

interface Kept {
  principal: Principal;
  until: number;
}

export function createPrincipalCache(clock: Clock) {
  const kept = new Map<string, Kept>();
  return {
    // A kept principal answers only for its own kind of credential: an API token sent as the session cookie (or a
    // session token sent as Bearer) must not authenticate, and a cookie request must never skip CSRF as a token one.
    recall(tokenHash: string, via: Principal['via']): Principal | undefined {
      const entry = kept.get(tokenHash);
      if (!entry || entry.principal.via !== via) return undefined;
      if (entry.until > clock.now()) return entry.principal;
      kept.delete(tokenHash);
      return undefined;
    },
    keep(tokenHash: string, principal: Principal): Principal {
      if (kept.size >= PRINCIPALS_KEPT) kept.delete(kept.keys().next().value!);
      // One object serves many requests, so nobody may change it.
      Object.freeze(principal.user);
      kept.set(tokenHash, {
        principal: Object.freeze(principal),
        until: Math.min(clock.now() + PRINCIPAL_TTL_MS, principal.expiresAt),
      });
      return principal;
    },
    forget(tokenHash: string) {
      kept.delete(tokenHash);
    },
    forgetUser(userId: string) {
      for (const [tokenHash, { principal }] of kept) if (principal.user.id === userId) kept.delete(tokenHash);
    },
  };
}
export type PrincipalCache = ReturnType<typeof createPrincipalCache>;
