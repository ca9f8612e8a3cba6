// The VAPID key pair (RFC 8292). Browsers bind each push subscription to the public key they were given, so the pair
// is made once and kept in the database; configured keys (VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY) win over stored ones.
import { eq } from 'drizzle-orm';
import webpush from 'web-push';
import type { Db } from '../../db/client.js';
import { serverKeys } from '../../db/schema.js';
import type { Clock } from '../domain/clock.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

const NAME = 'vapid';

export function loadVapidKeys(
  db: Db,
  clock: Clock,
  configured: { publicKey?: string; privateKey?: string; subject: string },
): VapidKeys {
  if (configured.publicKey && configured.privateKey)
    return { publicKey: configured.publicKey, privateKey: configured.privateKey, subject: configured.subject };
  const stored = () => db.select().from(serverKeys).where(eq(serverKeys.name, NAME)).get()?.value;
  let value = stored();
  if (!value?.publicKey || !value.privateKey) {
    const generated = webpush.generateVAPIDKeys();
    // Two servers starting on one database at once keep whichever pair was written first.
    db.insert(serverKeys)
      .values({
        name: NAME,
        value: { publicKey: generated.publicKey, privateKey: generated.privateKey },
        createdAt: clock.now(),
      })
      .onConflictDoNothing()
      .run();
    value = stored()!;
  }
  return { publicKey: value.publicKey!, privateKey: value.privateKey!, subject: configured.subject };
}
