import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../errors.js';
import type { Services } from '../plugins/services.js';

/**
 * The first admin comes from ADMIN_EMAIL / ADMIN_PASSWORD, and only while the database has no users at all. Nodes
 * starting together on an empty database all find it empty; the email's uniqueness lets one create the admin, and
 * the others start as if they had found it.
 */
export async function bootstrapAdmin(
  services: Pick<Services, 'auth'>,
  admin: { email: string; password: string } | undefined,
  log: FastifyBaseLogger,
) {
  if (!admin || (await services.auth.userCount()) > 0) return;
  try {
    const user = await services.auth.createUser({
      email: admin.email,
      name: 'Administrator',
      role: 'admin',
      password: admin.password,
    });
    log.info({ email: user.email }, 'created the first admin');
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'email_taken')) throw error;
    log.info({ email: admin.email }, 'the first admin was created by another node starting at the same time');
  }
}
