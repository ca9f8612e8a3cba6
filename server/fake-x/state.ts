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

export class FakeXState {
  readonly brand: FakeUser;
  readonly tweets: FakeTweet[] = [];
  private nextTweetId = FIRST_TWEET_ID;
  private nextUserId = FIRST_CUSTOMER_ID;
  private readonly usersById = new Map<string, FakeUser>();
  private readonly usersByHandle = new Map<string, FakeUser>();
  private readonly tweetsById = new Map<string, FakeTweet>();
  private readonly mentionsByHandle = new Map<string, FakeTweet[]>();
  private readonly tweetsByAuthor = new Map<string, FakeTweet[]>();
  private readonly repliesByParent = new Map<string, FakeTweet[]>();
  private readonly textsByAuthor = new Map<string, Set<string>>();

  constructor(brand: Omit<FakeUser, 'createdAt'>, private readonly clock: () => number) {
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
    const id = author.id ?? String(this.nextUserId++);
    return this.addUser({ id, username: author.username, name: author.name ?? author.username });
  }

  addTweet(input: NewTweet): FakeTweet {
    const parent = input.inReplyToTweetId ? this.tweetsById.get(input.inReplyToTweetId) : undefined;
    if (input.inReplyToTweetId && !parent) throw new Error(`Unknown tweet ${input.inReplyToTweetId}`);
    const id = String(this.nextTweetId++);
    const tweet: FakeTweet = {
      id,
      text: input.text,
      authorId: input.authorId,
      conversationId: parent?.conversationId ?? id,
      inReplyToTweetId: parent?.id,
      inReplyToUserId: parent?.authorId,
      lang: input.lang ?? 'en',
      createdAt: input.createdAt ?? new Date(this.clock()),
    };
    this.tweets.push(tweet);
    this.tweetsById.set(id, tweet);
    pushTo(this.tweetsByAuthor, tweet.authorId, tweet);
    if (parent) pushTo(this.repliesByParent, parent.id, tweet);
    for (const handle of new Set(mentionedHandles(tweet.text))) pushTo(this.mentionsByHandle, handle, tweet);
    let texts = this.textsByAuthor.get(tweet.authorId);
    if (!texts) this.textsByAuthor.set(tweet.authorId, (texts = new Set()));
    texts.add(tweet.text);
    return tweet;
  }

  private addUser(user: Omit<FakeUser, 'createdAt'>): FakeUser {
    const stored = { ...user, createdAt: new Date(this.clock()) };
    this.usersById.set(stored.id, stored);
    this.usersByHandle.set(stored.username.toLowerCase(), stored);
    return stored;
  }
}

function mentionedHandles(text: string): string[] {
  return Array.from(text.matchAll(MENTION), (match) => match[1]!.toLowerCase());
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
