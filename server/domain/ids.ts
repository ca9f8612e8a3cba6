import { randomBytes } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/** Time-sortable id: 9 base-36 chars of milliseconds, a 4-char sequence, then randomness. Sorts by creation time. */
export function newId(now = Date.now()): string {
  if (now === lastMs) sequence++;
  else { lastMs = now; sequence = 0; }
  return now.toString(36).padStart(9, '0') + sequence.toString(36).padStart(4, '0') + randomBytes(5).toString('hex');
}

export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
