// The record key of a reply's post, derived from the reply's id so every attempt writes the same record: Bluesky's
// createRecord has no idempotency key, but a record key chosen by the client makes a retry land on the one record.
// app.bsky.feed.post declares `"key": "tid"`, so the key is a TID (atproto.com/specs/tid): 53 bits of microseconds
// since the epoch and 10 bits of clock id, written in base32-sortable, 13 characters.
import { createHash } from 'node:crypto';

const S32 = '234567abcdefghijklmnopqrstuvwxyz';
const MAX_MICROS = 2 ** 53 - 1000;

function s32(value: bigint, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = S32[Number(rest & 31n)] + out;
    rest >>= 5n;
  }
  return out;
}

/**
 * A reply id starts with its creation time in milliseconds (domain/ids.ts), which gives the TID a true time (so the
 * brand's records stay in posting order); the microseconds and clock id come from a hash of the whole key, so two
 * replies made in the same millisecond get different keys.
 */
export function recordKeyFor(key: string): string {
  const hash = createHash('sha256').update(key).digest();
  const prefix = key.slice(0, 9);
  const parsed = /^[0-9a-z]{9}$/.test(prefix) ? Number.parseInt(prefix, 36) : 0;
  // A TID holds 53 bits of microseconds; a key that does not start with a time in range gets its key from the hash.
  const ms = parsed * 1000 < MAX_MICROS ? parsed : 0;
  const micros = BigInt(ms) * 1000n + BigInt(hash.readUInt16BE(0) % 1000);
  const clockId = BigInt(hash.readUInt16BE(2) & 0x3ff);
  return s32(micros, 11) + s32(clockId, 2);
}
