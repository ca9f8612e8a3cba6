// Whether the database answers at all: /health says so, and answers 503 when it does not.
import { type Db, databaseIsHealthy } from '../../db/client.js';

export function createHealthRepository(db: Db) {
  return {
    read: {
      async databaseAnswers(): Promise<boolean> {
        return databaseIsHealthy(db);
      },
    },
    write: {},
  };
}
