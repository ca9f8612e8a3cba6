// Accounts on PostgreSQL: the same reads and writes as ../users.ts, over db/pg/schema.ts.
import { count, eq } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { users } from '../../../db/pg/schema.js';
import type { NewUser, createUserRepository as sqliteUsers, UserPatch } from '../users.js';

export function createUserRepository(db: PgDb): ReturnType<typeof sqliteUsers> {
  return {
    read: {
      async byId(id: string) {
        const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
        return row;
      },
      async byEmail(email: string) {
        const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
        return row;
      },
      // SQLite lists the accounts in the order they were made (its rowid order). A PostgreSQL table has no order (an
      // updated row moves), so it is asked for: ids sort by creation time too, and break ties of the same millisecond.
      async all() {
        return db.select().from(users).orderBy(users.createdAt, users.id);
      },
      async count() {
        const [row] = await db.select({ n: count() }).from(users);
        return row?.n ?? 0;
      },
    },
    write: {
      async insert(user: NewUser) {
        const [row] = await db.insert(users).values(user).onConflictDoNothing().returning();
        return row;
      },
      async setPassword(id: string, passwordHash: string, mustChangePassword: boolean) {
        await db.update(users).set({ passwordHash, mustChangePassword }).where(eq(users.id, id));
      },
      async update(id: string, patch: UserPatch) {
        const [row] = await db.update(users).set(patch).where(eq(users.id, id)).returning();
        return row;
      },
    },
  };
}
