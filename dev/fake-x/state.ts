import type { FakeTweet, FakeUser, NewMention } from './types.js';

const FIRST_TWEET_ID = 1800000000000000000n;
const FIRST_CUSTOMER_ID = 2000000000n;
const MENTION = /(?<![\w@])@(\w{1,50})\b/g;

export interface NewTweet {
  text: string;
  authorId: string;
  inReplyToTweetId?: string;
  lang?: string;
  createdAt?: Date;
}

/** What a restarted fake needs to be the same X: every account and post, and where the ids go on. */
export interface FakeXSnapshot {
  nextTweetId: string;
  nextUserId: string;
  users: FakeUser[];
  tweets: FakeTweet[];
}

export class FakeXState {
  readonly brand: FakeUser;
  readonly tweets: FakeTweet[] = [];
  /** Grows with every change, so a writer can tell whether there is anything new to save. */
  revision = 0;
  private nextTweetId = FIRST_TWEET_ID;
  private nextUserId = FIRST_CUSTOMER_ID;
  private readonly usersById = new Map<string, FakeUser>();
  private readonly usersByHandle = new Map<string, FakeUser>();
  private readonly tweetsById = new Map<string, FakeTweet>();
  private readonly mentionsByHandle = new Map<string, FakeTweet[]>();
  private readonly tweetsByAuthor = new Map<string, FakeTweet[]>();
  private readonly repliesByParent = new Map<string, FakeTweet[]>();
  private readonly textsByAuthor = new Map<string, Set<string>>();

  constructor(
    brand: Omit<FakeUser, 'createdAt'>,
    private readonly clock: () => number,
  ) {
    this.brand = this.addUser(brand);
  }

  user(id: string): FakeUser | undefined {
    return this.usersById.get(id);
  }

  userByHandle(username: string): FakeUser | undefined {
    return this.usersByHandle.get(username.toLowerCase());
  }

  tweet(id: string): FakeTweet | undefined {
    return this.tweetsById.get(id);
  }

  mentionsOf(user: FakeUser): readonly FakeTweet[] {
    return this.mentionsByHandle.get(user.username.toLowerCase()) ?? [];
  }

  tweetsBy(user: FakeUser): readonly FakeTweet[] {
    return this.tweetsByAuthor.get(user.id) ?? [];
  }

  repliesTo(tweetId: string): readonly FakeTweet[] {
    return this.repliesByParent.get(tweetId) ?? [];
  }

  hasPosted(authorId: string, text: string): boolean {
    return this.textsByAuthor.get(authorId)?.has(text) ?? false;
  }

  mentions(tweet: FakeTweet, user: FakeUser): boolean {
    return mentionedHandles(tweet.text).includes(user.username.toLowerCase());
  }

  customer(author: NewMention['author']): FakeUser {
    const known = (author.id && this.usersById.get(author.id)) || this.userByHandle(author.username);
    if (known) return known;
    const name = author.name ?? author.username;
    if (author.id)
      return this.importUser({ id: author.id, username: author.username, name, createdAt: new Date(this.clock()) });
    return this.addUser({ id: String(this.nextUserId++), username: author.username, name });
  }

  addTweet(input: NewTweet): FakeTweet {
    const parent = input.inReplyToTweetId ? this.tweetsById.get(input.inReplyToTweetId) : undefined;
    if (input.inReplyToTweetId && !parent) throw new Error(`Unknown tweet ${input.inReplyToTweetId}`);
    const id = String(this.nextTweetId++);
    return this.store({
      id,
      text: input.text,
      authorId: input.authorId,
      conversationId: parent?.conversationId ?? id,
      inReplyToTweetId: parent?.id,
      inReplyToUserId: parent?.authorId,
      lang: input.lang ?? 'en',
      createdAt: input.createdAt ?? new Date(this.clock()),
    });
  }

  /** A post that already has its id (one X held before a restart); false when X has it already. */
  importTweet(tweet: FakeTweet): boolean {
    if (this.tweetsById.has(tweet.id)) return false;
    this.store({ ...tweet });
    this.continueAbove(tweet.id);
    return true;
  }

  /** An account that already has its id; the one already known under that id or handle wins. */
  importUser(user: FakeUser): FakeUser {
    const known = this.usersById.get(user.id) ?? this.userByHandle(user.username);
    if (known) return known;
    const stored = this.addUser(user, user.createdAt);
    if (/^\d+$/.test(user.id) && BigInt(user.id) >= this.nextUserId) this.nextUserId = BigInt(user.id) + 1n;
    return stored;
  }

  /** New posts get ids above `id`: a client that saw it asks for what is newer (since_id) and must find them. */
  continueAbove(id: string): void {
    if (/^\d+$/.test(id)) this.raiseNextTweetId(BigInt(id) + 1n);
  }

  snapshot(): FakeXSnapshot {
    return {
      nextTweetId: String(this.nextTweetId),
      nextUserId: String(this.nextUserId),
      users: [...this.usersById.values()],
      tweets: this.tweets.slice(),
    };
  }

  restore(snapshot: FakeXSnapshot): void {
    for (const user of snapshot.users) this.importUser(user);
    for (const tweet of snapshot.tweets) this.importTweet(tweet);
    this.raiseNextTweetId(BigInt(snapshot.nextTweetId));
    if (BigInt(snapshot.nextUserId) > this.nextUserId) this.nextUserId = BigInt(snapshot.nextUserId);
  }

  private raiseNextTweetId(next: bigint): void {
    if (next <= this.nextTweetId) return;
    this.nextTweetId = next;
    this.revision++;
  }

  private store(tweet: FakeTweet): FakeTweet {
    insertById(this.tweets, tweet);
    this.tweetsById.set(tweet.id, tweet);
    pushTo(this.tweetsByAuthor, tweet.authorId, tweet);
    if (tweet.inReplyToTweetId) pushTo(this.repliesByParent, tweet.inReplyToTweetId, tweet);
    for (const handle of new Set(mentionedHandles(tweet.text))) pushTo(this.mentionsByHandle, handle, tweet);
    let texts = this.textsByAuthor.get(tweet.authorId);
    if (!texts) this.textsByAuthor.set(tweet.authorId, (texts = new Set()));
    texts.add(tweet.text);
    this.revision++;
    return tweet;
  }

  private addUser(user: Omit<FakeUser, 'createdAt'>, createdAt = new Date(this.clock())): FakeUser {
    const stored = { id: user.id, username: user.username, name: user.name, createdAt };
    this.usersById.set(stored.id, stored);
    this.usersByHandle.set(stored.username.toLowerCase(), stored);
    this.revision++;
    return stored;
  }
}

function mentionedHandles(text: string): string[] {
  return Array.from(text.matchAll(MENTION), (match) => match[1]!.toLowerCase());
}

function pushTo<K>(map: Map<K, FakeTweet[]>, key: K, tweet: FakeTweet): void {
  const list = map.get(key);
  if (list) insertById(list, tweet);
  else map.set(key, [tweet]);
}

/** Every list stays oldest first (paging relies on it), also when a post from before a restart is imported late. */
function insertById(list: FakeTweet[], tweet: FakeTweet): void {
  const id = BigInt(tweet.id);
  let index = list.length;
  while (index > 0 && BigInt(list[index - 1]!.id) > id) index--;
  list.splice(index, 0, tweet);
}
