// Lexicon-valid identifiers for the fake: @atproto/api checks every answer against its lexicons, so DIDs, CIDs,
// TIDs and at:// URIs must have the real syntax.
import { createHash } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const S32 = '234567abcdefghijklmnopqrstuvwxyz';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** A CIDv1 (dag-cbor, sha2-256) of the canonical JSON: the same record always has the same CID, as on a PDS. */
export function cidFor(value: unknown): string {
  const digest = createHash('sha256').update(canonicalJson(value)).digest();
  return `b${base32(Buffer.concat([Buffer.from([0x01, 0x71, 0x12, 0x20]), digest]))}`;
}

/** did:plc is 24 base32 characters; the fake derives them from the handle. */
export function didFor(handle: string): string {
  return `did:plc:${base32(createHash('sha256').update(handle).digest()).slice(0, 24)}`;
}

/** A TID for a record the fake creates itself (atproto.com/specs/tid). */
export function tidAt(micros: number, clockId: number): string {
  let out = '';
  let rest = BigInt(micros);
  for (let i = 0; i < 11; i++) {
    out = S32[Number(rest & 31n)] + out;
    rest >>= 5n;
  }
  return out + S32[(clockId >> 5) & 31] + S32[clockId & 31];
}

/** The microseconds a TID was made at, or undefined for a key that is not a TID. */
export function tidMicros(rkey: string): number | undefined {
  if (!/^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/.test(rkey)) return undefined;
  let micros = 0n;
  for (const char of rkey.slice(0, 11)) micros = (micros << 5n) | BigInt(S32.indexOf(char));
  return Number(micros);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
