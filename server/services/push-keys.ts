// The VAPID key pair (RFC 8292). Browsers bind each push subscription to the public key they were given, so the pair
// is made once and kept in the database; configured keys (VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY) win over stored ones.
import webpush from 'web-push';
import type { Clock } from '../domain/clock.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import type { ReadRepositories } from '../repositories/index.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

const NAME = 'vapid';

export async function loadVapidKeys(
  { data, uow, clock }: { data: Pick<ReadRepositories, 'serverKeys'>; uow: UnitOfWork; clock: Clock },
  configured: { publicKey?: string; privateKey?: string; subject: string },
): Promise<VapidKeys> {
  if (configured.publicKey && configured.privateKey)
    return { publicKey: configured.publicKey, privateKey: configured.privateKey, subject: configured.subject };
  let value = await data.serverKeys.get(NAME);
  if (!value?.publicKey || !value.privateKey) {
    // Made before the unit: it holds the write lock, and key generation is not the database's work.
    const generated = webpush.generateVAPIDKeys();
    value = await uow.run(async (unit) => {
      await unit.serverKeys.insertIfAbsent(
        NAME,
        { publicKey: generated.publicKey, privateKey: generated.privateKey },
        clock.now(),
      );
      // Two servers starting on one database at once keep whichever pair was written first.
      return unit.serverKeys.get(NAME);
    });
  }
  if (!value?.publicKey || !value.privateKey) throw new Error('the VAPID keys could not be stored');
  return { publicKey: value.publicKey, privateKey: value.privateKey, subject: configured.subject };
}
