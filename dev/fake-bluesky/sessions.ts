// Sessions as a PDS keeps them: createSession (limited to 30 per 5 minutes per account, as bsky.social limits it)
// gives an access and a refresh token; an expired access token is answered 400 ExpiredToken, which the official
// agent answers with refreshSession.
import { randomBytes } from 'node:crypto';
import type { Account } from './state.js';

export const CREATE_SESSION_LIMIT = { limit: 30, windowSec: 300 };

export class FakeSessions {
  private readonly access = new Map<string, { did: string; expired: boolean }>();
  private readonly refresh = new Map<string, string>();
  private createdAt: number[] = [];
  created = 0;
  refreshed = 0;

  constructor(private readonly clock: () => number) {}

  /** A new pair of tokens, or the time (epoch seconds) the create-session limit resets. */
  create(account: Account): { accessJwt: string; refreshJwt: string } | { resetAt: number } {
    const now = this.clock();
    this.createdAt = this.createdAt.filter((at) => at > now - CREATE_SESSION_LIMIT.windowSec * 1000);
    if (this.createdAt.length >= CREATE_SESSION_LIMIT.limit)
      return { resetAt: Math.ceil(((this.createdAt[0] ?? now) + CREATE_SESSION_LIMIT.windowSec * 1000) / 1000) };
    this.createdAt.push(now);
    this.created++;
    return this.issue(account.did);
  }

  remainingCreates(): number {
    return Math.max(0, CREATE_SESSION_LIMIT.limit - this.createdAt.length);
  }

  /** Trades a refresh token for new tokens (the old refresh token is spent), or null if unknown. */
  rotate(refreshJwt: string): { did: string; accessJwt: string; refreshJwt: string } | null {
    const did = this.refresh.get(refreshJwt);
    if (!did) return null;
    this.refresh.delete(refreshJwt);
    this.refreshed++;
    return { did, ...this.issue(did) };
  }

  check(accessJwt: string): { did: string } | 'expired' | null {
    const session = this.access.get(accessJwt);
    if (!session) return null;
    return session.expired ? 'expired' : { did: session.did };
  }

  /** Every access token expires at once (as after two hours): the next call must refresh, not log in. */
  expireAccessTokens(): void {
    for (const session of this.access.values()) session.expired = true;
  }

  /** Every token is revoked (a changed app password): the next call must log in again. */
  revokeAll(): void {
    this.access.clear();
    this.refresh.clear();
  }

  private issue(did: string) {
    const accessJwt = `access-${randomBytes(12).toString('hex')}`;
    const refreshJwt = `refresh-${randomBytes(12).toString('hex')}`;
    this.access.set(accessJwt, { did, expired: false });
    this.refresh.set(refreshJwt, did);
    return { accessJwt, refreshJwt };
  }
}
