// The brand's Bluesky session kept in the settings table (row `blueskySession`, which the settings API never returns),
// for the identifier it belongs to: a changed BLUESKY_IDENTIFIER starts with a login, not with another account's
// session. The tokens are as sensitive as the app password and are never logged.
import type { AtpSessionData } from '@atproto/api';
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { settings } from '../../../db/schema.js';
import type { SessionStore } from './session.js';

const KEY = 'blueskySession';

export function createSessionStore(db: Db, identifier: string): SessionStore {
  return {
    load() {
      const row = db.select().from(settings).where(eq(settings.key, KEY)).get();
      const value = row?.value as { identifier?: string; session?: AtpSessionData } | undefined;
      return value?.identifier === identifier ? value.session : undefined;
    },
    save(session) {
      if (!session) {
        db.delete(settings).where(eq(settings.key, KEY)).run();
        return;
      }
      const value = { identifier, session };
      db.insert(settings)
        .values({ key: KEY, value })
        .onConflictDoUpdate({ target: settings.key, set: { value } })
        .run();
    },
  };
}
