// Accounts: who may sign in, with which role, and whether they still may.
import { count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { users, type UserRow } from '../../db/schema.js';

export type NewUser = Omit<typeof users.$inferInsert, 'active' | 'mustChangePassword'>;
export type UserPatch = Partial<Pick<UserRow, 'name' | 'role' | 'active'>>;

export function createUserRepository(db: Db) {
  return {
    read: {
      async byId(id: string): Promise<UserRow | undefined> {
        return db.select().from(users).where(eq(users.id, id)).get();
      },
      /** `email` as stored: trimmed and lower-cased. */
      async byEmail(email: string): Promise<UserRow | undefined> {
        return db.select().from(users).where(eq(users.email, email)).get();
      },
      async all(): Promise<UserRow[]> {
        return db.select().from(users).all();
      },
      async count(): Promise<number> {
        return db.select({ n: count() }).from(users).get()?.n ?? 0;
      },
    },
    write: {
      /** `undefined` when the email is taken. */
      async insert(user: NewUser): Promise<UserRow | undefined> {
        return db.insert(users).values(user).onConflictDoNothing().returning().get();
      },
      async setPassword(id: string, passwordHash: string, mustChangePassword: boolean): Promise<void> {
        db.update(users).set({ passwordHash, mustChangePassword }).where(eq(users.id, id)).run();
      },
      async update(id: string, patch: UserPatch): Promise<UserRow | undefined> {
        return db.update(users).set(patch).where(eq(users.id, id)).returning().get();
      },
    },
  };
}
