import { randomBytes, randomFillSync } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

// Ids are made several times per question and a call into the CSPRNG has a fixed cost, so random bytes are drawn
// 4 KiB at a time and handed out in order (as the uuid package does). Tokens still draw their own.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += bytes;
  return pool.toString('hex', poolOffset - bytes, poolOffset);
}

/** Time-sortable id: 9 base-36 chars of milliseconds, a 4-char sequence, then randomness. Sorts by creation time. */
export function newId(now = Date.now()): string {
  if (now === lastMs) sequence++;
  else {
    lastMs = now;
    sequence = 0;
  }
  return now.toString(36).padStart(9, '0') + sequence.toString(36).padStart(4, '0') + randomHex(5);
}

export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
