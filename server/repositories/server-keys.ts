// Values the server makes once and must keep, one JSON object per name: the VAPID key pair (browsers bind each push
// subscription to its public key) and the SLA watch's marks (so a restart neither repeats nor loses an alert).
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { serverKeys } from '../../db/schema.js';

export type ServerKeyValue = Record<string, string>;

export function createServerKeyRepository(db: Db) {
  return {
    read: {
      async get(name: string): Promise<ServerKeyValue | undefined> {
        return db.select().from(serverKeys).where(eq(serverKeys.name, name)).get()?.value;
      },
    },
    write: {
      /** Keeps a value already stored under the name: of two servers starting on one database, the first one written. */
      async insertIfAbsent(name: string, value: ServerKeyValue, now: number): Promise<void> {
        db.insert(serverKeys).values({ name, value, createdAt: now }).onConflictDoNothing().run();
      },

      async put(name: string, value: ServerKeyValue, now: number): Promise<void> {
        db.insert(serverKeys)
          .values({ name, value, createdAt: now })
          .onConflictDoUpdate({ target: serverKeys.name, set: { value } })
          .run();
      },
    },
  };
}
