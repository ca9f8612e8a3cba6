import { renderContent } from './render.js';
import type { FakeAccount, FakeNotification, FakeStatus, KnownStatus, NewMention, Visibility } from './types.js';

/** Mastodon keeps an Idempotency-Key for an hour: a repeat within it returns the status it made. */
const IDEMPOTENCY_TTL_MS = 60 * 60_000;
/**
 * Notification ids start above 2^53 so that a client reading them as numbers loses digits and fails the tests
 * (real ones are smaller, status ids are larger: both are strings on the wire).
 */
const FIRST_NOTIFICATION_ID = 9_007_199_254_740_993n;
const ID = /^\d{1,20}$/;
const MENTION = /(?<![\p{L}\p{N}_/@])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@([a-z0-9.-]+\.[a-z]{2,}))?/giu;

/** A status as a client writes it: the fake gives it its id, time and mentions. */
interface StatusInput {
  author: FakeAccount;
  text: string;
  visibility: Visibility;
  inReplyToId?: string;
  html?: string;
  language?: string;
}

export class FakeMastodonState {
  readonly brand: FakeAccount;
  private readonly accounts = new Map<string, FakeAccount>();
  private readonly byAcct = new Map<string, FakeAccount>();
  private readonly statusList: FakeStatus[] = [];
  private readonly statusById = new Map<string, FakeStatus>();
  private readonly notifications: FakeNotification[] = [];
  private readonly idempotency = new Map<string, { statusId: string; at: number }>();
  private nextAccountId = 110_000_000_000_000_001n;
  private lastStatusId = 0n;
  private lastNotificationId = FIRST_NOTIFICATION_ID - 1n;
  maxCharacters: number;

  constructor(
    readonly domain: string,
    brand: { username: string; displayName: string },
    maxCharacters: number,
    private readonly clock: () => number,
  ) {
    this.maxCharacters = maxCharacters;
    this.brand = this.account({ username: brand.username, displayName: brand.displayName });
  }

  /** The account with this handle, created on first use. */
  account(input: NewMention['account']): FakeAccount {
    const domain = input.domain && input.domain.toLowerCase() !== this.domain ? input.domain.toLowerCase() : null;
    const acct = domain ? `${input.username}@${domain}` : input.username;
    const known = this.byAcct.get(acct.toLowerCase());
    if (known) return known;
    const account: FakeAccount = {
      id: String(this.nextAccountId++),
      username: input.username,
      acct,
      displayName: input.displayName ?? input.username,
      domain,
      createdAt: new Date(this.clock()),
    };
    this.accounts.set(account.id, account);
    this.byAcct.set(acct.toLowerCase(), account);
    return account;
  }

  accountById(id: string): FakeAccount | undefined {
    return this.accounts.get(id);
  }

  status(id: string): FakeStatus | undefined {
    return this.statusById.get(id);
  }

  statuses(): FakeStatus[] {
    return this.statusList.slice();
  }

  /** Who `viewer` may see it: the author, anyone for public/unlisted, the mentioned for private/direct. */
  visibleTo(status: FakeStatus, viewerId: string): boolean {
    if (status.visibility === 'public' || status.visibility === 'unlisted') return true;
    return status.accountId === viewerId || status.mentionIds.includes(viewerId);
  }

  /** `@user` is a local account only; `@user@domain` the account of that server (ours when the domain is ours). */
  resolveMentions(text: string): FakeAccount[] {
    const found = new Map<string, FakeAccount>();
    for (const [, username, domain] of text.matchAll(MENTION)) {
      const local = !domain || domain.toLowerCase() === this.domain;
      const account = this.byAcct.get((local ? username! : `${username}@${domain}`).toLowerCase());
      if (account) found.set(account.id, account);
    }
    return [...found.values()];
  }

  addStatus(input: StatusInput): FakeStatus {
    if (input.inReplyToId && !this.statusById.has(input.inReplyToId))
      throw new Error(`Unknown status ${input.inReplyToId}`);
    const status = this.compose(this.newStatusId(), input, new Date(this.clock()));
    this.statusList.push(status);
    this.statusById.set(status.id, status);
    for (const mentioned of this.resolveMentions(input.text)) {
      if (mentioned.id === status.accountId || mentioned.domain) continue;
      this.notifications.push({
        id: this.newNotificationId(),
        type: 'mention',
        ownerId: mentioned.id,
        accountId: status.accountId,
        statusId: status.id,
        createdAt: status.createdAt,
        filtered: status.visibility === 'direct',
      });
    }
    return status;
  }

  /**
   * A status of an earlier run under its own id, by its author under the account id they had, with no notification
   * (the client has it already). Its parent, when here, is what it replies to; later ids stay above it.
   */
  restoreStatus(input: KnownStatus): boolean {
    if (!ID.test(input.id) || this.statusById.has(input.id)) return false;
    const author = input.account ? this.restoreAccount(input.account) : this.brand;
    const inReplyToId = input.inReplyToId && this.statusById.has(input.inReplyToId) ? input.inReplyToId : undefined;
    const status = this.compose(
      input.id,
      { ...input, author, inReplyToId, visibility: input.visibility ?? 'public' },
      input.createdAt,
    );
    const id = BigInt(status.id);
    if (id > this.lastStatusId) this.lastStatusId = id;
    const after = this.statusList.findIndex((other) => BigInt(other.id) > id);
    this.statusList.splice(after === -1 ? this.statusList.length : after, 0, status);
    this.statusById.set(status.id, status);
    return true;
  }

  notificationsOf(ownerId: string): FakeNotification[] {
    return this.notifications.filter((n) => n.ownerId === ownerId);
  }

  statusesBy(accountId: string): FakeStatus[] {
    return this.statusList.filter((s) => s.accountId === accountId);
  }

  rememberedPost(accountId: string, key: string): FakeStatus | undefined {
    const seen = this.idempotency.get(`${accountId}:${key}`);
    if (!seen || this.clock() - seen.at > IDEMPOTENCY_TTL_MS) return undefined;
    return this.statusById.get(seen.statusId);
  }

  rememberPost(accountId: string, key: string, status: FakeStatus): void {
    this.idempotency.set(`${accountId}:${key}`, { statusId: status.id, at: this.clock() });
  }

  /**
   * Ids grow with time, as on a real server, so a fake started again (the demo after a restart) never hands out an
   * id at or under a client's stored cursor: counted from the same start each time, the new mentions would sit under
   * `min_id` and never be read.
   */
  private newNotificationId(): string {
    const fromTime = FIRST_NOTIFICATION_ID + (BigInt(this.clock()) << 12n);
    this.lastNotificationId = fromTime > this.lastNotificationId ? fromTime : this.lastNotificationId + 1n;
    return String(this.lastNotificationId);
  }

  /** Snowflake-like as Mastodon's: the creation time in ms shifted left 16 bits, always growing. */
  private newStatusId(): string {
    const fromTime = BigInt(this.clock()) << 16n;
    this.lastStatusId = fromTime > this.lastStatusId ? fromTime : this.lastStatusId + 1n;
    return String(this.lastStatusId);
  }

  private compose(id: string, input: StatusInput, createdAt: Date): FakeStatus {
    const parent = input.inReplyToId ? this.statusById.get(input.inReplyToId) : undefined;
    return {
      id,
      accountId: input.author.id,
      text: input.text,
      content: input.html ?? renderContent(input.text, (username, domain) => this.mentionUrl(username, domain)),
      visibility: input.visibility,
      inReplyToId: parent?.id ?? null,
      inReplyToAccountId: parent?.accountId ?? null,
      mentionIds: this.resolveMentions(input.text).map((m) => m.id),
      language: input.language ?? 'en',
      createdAt,
    };
  }

  /** The account with this handle; a new one gets the id it had before when that id is free. */
  private restoreAccount({ acct, id, displayName }: NonNullable<KnownStatus['account']>): FakeAccount {
    const [username = acct, remote] = acct.replace(/^@/, '').split('@');
    const domain = remote && remote.toLowerCase() !== this.domain ? remote.toLowerCase() : null;
    const known = this.byAcct.get((domain ? `${username}@${domain}` : username).toLowerCase());
    if (known) return known;
    if (!id || !ID.test(id) || this.accounts.has(id))
      return this.account({ username, domain: domain ?? undefined, displayName });
    const account: FakeAccount = {
      id,
      username,
      acct: domain ? `${username}@${domain}` : username,
      displayName: displayName ?? username,
      domain,
      createdAt: new Date(this.clock()),
    };
    this.accounts.set(account.id, account);
    this.byAcct.set(account.acct.toLowerCase(), account);
    if (BigInt(id) >= this.nextAccountId) this.nextAccountId = BigInt(id) + 1n;
    return account;
  }

  private mentionUrl(username: string, domain: string | undefined): string | undefined {
    const local = !domain || domain.toLowerCase() === this.domain;
    const account = this.byAcct.get((local ? username : `${username}@${domain}`).toLowerCase());
    if (!account) return undefined;
    return `https://${account.domain ?? this.domain}/@${account.username}`;
  }
}
