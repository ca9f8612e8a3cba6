import type { FastifyBaseLogger } from 'fastify';
import type { Services } from '../plugins/services.js';

/** The first admin comes from ADMIN_EMAIL / ADMIN_PASSWORD, and only while the database has no users at all. */
export async function bootstrapAdmin(
  services: Pick<Services, 'auth'>,
  admin: { email: string; password: string } | undefined,
  log: FastifyBaseLogger,
) {
  if (!admin || (await services.auth.userCount()) > 0) return;
  const user = await services.auth.createUser({
    email: admin.email,
    name: 'Administrator',
    role: 'admin',
    password: admin.password,
  });
  log.info({ email: user.email }, 'created the first admin');
}
