// npm run create-user -- --email jane@example.com --name "Jane Doe" --role expert [--password …]
// Creates a user directly in the database at DATABASE_PATH (the server may be running: SQLite handles both).
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../db/client.js';
import { CreateUserBodySchema } from '../server/contracts/api.js';
import { systemClock } from '../server/domain/clock.js';
import { createAuthService } from '../server/services/auth.js';
import { expertProfiles } from '../db/schema.js';

const { values } = parseArgs({
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', default: 'expert' },
    password: { type: 'string' },
  },
});
const password = values.password ?? randomBytes(12).toString('base64url');
const parsed = CreateUserBodySchema.safeParse({ email: values.email, name: values.name, role: values.role, password });
if (!parsed.success) {
  console.error(
    `usage: npm run create-user -- --email EMAIL --name NAME [--role expert|manager|admin] [--password P]\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
  );
  process.exit(2);
}
const db = openDatabase(process.env.DATABASE_PATH ?? './data/helpforce.db');
try {
  const user = await createAuthService({ db, clock: systemClock }).createUser(parsed.data);
  if (user.role === 'expert') {
    const signature = user.name
      .split(/\s+/)
      .map((p) => p[0]!.toUpperCase())
      .join('')
      .slice(0, 3);
    db.insert(expertProfiles).values({ userId: user.id, signature, updatedAt: Date.now() }).onConflictDoNothing().run();
  }
  console.log(JSON.stringify({ user, ...(values.password ? {} : { password }) }));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  db.$client.close();
}
