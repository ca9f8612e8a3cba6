// npm run create-user -- --email jane@example.com --name "Jane Doe" --role expert [--password …]
// Creates a user directly in the database at DATABASE_PATH (the server may be running: SQLite handles both).
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../db/client.js';
import { CreateUserBodySchema } from '../server/contracts/api.js';
import { systemClock } from '../server/domain/clock.js';
import { createEventBus, createUnitOfWork } from '../server/events/unit-of-work.js';
import { createRepositories, readSides } from '../server/repositories/index.js';
import { createAuthService } from '../server/services/auth.js';

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
  // No server runs here, so nobody listens for the unit's events.
  const repositories = createRepositories(db);
  const uow = createUnitOfWork(db, repositories, createEventBus(console));
  const user = await createAuthService({ data: readSides(repositories), uow, clock: systemClock }).createUser(
    parsed.data,
  );
  if (user.role === 'expert') {
    const signature = user.name
      .split(/\s+/)
      .map((p) => p[0]!.toUpperCase())
      .join('')
      .slice(0, 3);
    await uow.run((unit) => unit.experts.insertProfile({ userId: user.id, signature }, systemClock.now()));
  }
  console.log(JSON.stringify({ user, ...(values.password ? {} : { password }) }));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  db.$client.close();
}
