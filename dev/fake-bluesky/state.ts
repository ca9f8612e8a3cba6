// The fake's world in memory: accounts (the brand and its customers), every account's post records, and the brand's
// notifications, derived when a post mentions the brand, replies to one of its posts or quotes one.
import { cidFor, didFor, tidAt, tidMicros } from './ids.js';

export const POST = 'app.bsky.feed.post';

export interface Account {
  did: string;
  handle: string;
  displayName?: string;
}

export interface StoredRecord {
  uri: string;
  cid: string;
  did: string;
  collection: string;
  rkey: string;
  value: Record<string, unknown>;
  indexedAt: string;
}

export interface Notification {
  seq: number;
  uri: string;
  reason: 'mention' | 'reply' | 'quote';
  reasonSubject?: string;
  indexedAt: string;
}

interface PostValue {
  text?: string;
  facets?: { features?: { $type?: string; did?: string }[] }[];
  reply?: { parent?: { uri?: string }; root?: { uri?: string } };
  embed?: { $type?: string; record?: { uri?: string } };
}

export class FakeBlueskyState {
  readonly accounts = new Map<string, Account>();
  readonly records = new Map<string, StoredRecord>();
  readonly notifications: Notification[] = [];
  private lastMicros = 0;

  constructor(
    readonly brand: Account,
    private readonly clock: () => number,
  ) {
    this.accounts.set(brand.did, brand);
  }

  customer(handle: string, displayName?: string): Account {
    const did = didFor(handle);
    const known = this.accounts.get(did);
    if (known) return known;
    const account = { did, handle, displayName };
    this.accounts.set(did, account);
    return account;
  }

  /** An account from an earlier run, under the DID it had then. */
  restoreAccount(did: string, handle: string, displayName?: string): Account {
    const known = this.accounts.get(did);
    if (known) return known;
    const account = { did, handle: handle.toLowerCase(), displayName };
    this.accounts.set(did, account);
    return account;
  }

  byHandle(handle: string): Account | undefined {
    return [...this.accounts.values()].find((a) => a.handle === handle.replace(/^@/, '').toLowerCase());
  }

  /** A fresh TID and time: strictly increasing, as a PDS's clock makes them. */
  nextTid(): { rkey: string; at: string } {
    const micros = Math.max(this.clock() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    return { rkey: tidAt(micros, 0), at: new Date(Math.floor(micros / 1000)).toISOString() };
  }

  record(uri: string): StoredRecord | undefined {
    return this.records.get(uri);
  }

  /** Stores a record (create or replace) and, for a customer's post, the brand's notification about it. */
  write(did: string, collection: string, rkey: string, value: Record<string, unknown>): StoredRecord {
    const uri = `at://${did}/${collection}/${rkey}`;
    const existing = this.records.get(uri);
    const stored: StoredRecord = {
      uri,
      cid: cidFor(value),
      did,
      collection,
      rkey,
      value,
      indexedAt: existing?.indexedAt ?? this.nextTid().at,
    };
    this.records.set(uri, stored);
    if (!existing && collection === POST && did !== this.brand.did) this.notify(stored);
    return stored;
  }

  /** A record from an earlier run, under its own key and time and with no notification; new TIDs stay above it. */
  restore(did: string, collection: string, rkey: string, value: Record<string, unknown>, indexedAt: string) {
    const micros = tidMicros(rkey);
    if (micros !== undefined) this.lastMicros = Math.max(this.lastMicros, micros);
    const uri = `at://${did}/${collection}/${rkey}`;
    const stored: StoredRecord = { uri, cid: cidFor(value), did, collection, rkey, value, indexedAt };
    this.records.set(uri, stored);
    return stored;
  }

  private notify(post: StoredRecord) {
    const value = post.value as PostValue;
    const parent = value.reply?.parent?.uri;
    const quoted = value.embed?.record?.uri;
    const base = { seq: this.notifications.length + 1, uri: post.uri, indexedAt: post.indexedAt };
    if (parent && this.record(parent)?.did === this.brand.did)
      this.notifications.push({ ...base, reason: 'reply', reasonSubject: parent });
    else if (quoted && this.record(quoted)?.did === this.brand.did)
      this.notifications.push({ ...base, reason: 'quote', reasonSubject: quoted });
    else if (value.facets?.some((f) => f.features?.some((feature) => feature.did === this.brand.did)))
      this.notifications.push({ ...base, reason: 'mention' });
  }

  postsBy(did: string): StoredRecord[] {
    return [...this.records.values()].filter((r) => r.did === did && r.collection === POST);
  }
}
