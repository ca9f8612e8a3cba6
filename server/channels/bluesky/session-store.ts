// The brand's Bluesky session kept in the settings table (row `blueskySession`, which the settings API never returns),
// for the identifier it belongs to: a changed BLUESKY_IDENTIFIER starts with a login, not with another account's
// session. The tokens are as sensitive as the app password and are never logged.
import type { AtpSessionData } from '@atproto/api';
import type { UnitOfWork } from '../../events/unit-of-work.js';
import type { ReadRepositories } from '../../repositories/index.js';
import type { SessionStore } from './session.js';

interface Deps {
  data: Pick<ReadRepositories, 'channelSecrets'>;
  uow: UnitOfWork;
  log: { error(obj: object, msg?: string): void };
}

export function createSessionStore({ data, uow, log }: Deps, identifier: string): SessionStore {
  return {
    async load() {
      const value = (await data.channelSecrets.blueskySession()) as
        | { identifier?: string; session?: AtpSessionData }
        | undefined;
      return value?.identifier === identifier ? value.session : undefined;
    },
    save(session) {
      // The agent tells of a new session from inside its own calls and does not wait: the session is kept in the
      // background, and one that failed to be kept only costs a login at the next start.
      void uow
        .run((unit) => unit.channelSecrets.saveBlueskySession(session ? { identifier, session } : undefined))
        .catch((err: unknown) => log.error({ err: errorName(err) }, 'could not keep the Bluesky session'));
    },
  };
}

/** Only the kind of failure: a query error quotes the statement's parameters, which hold the tokens. */
function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
