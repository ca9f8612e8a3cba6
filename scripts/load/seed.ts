// The load test's roster. auth.createUser hashes each password with argon2 (~50 ms: ~1 minute for 1,000 experts),
// so rows are inserted directly, all sharing one precomputed hash (nobody logs in with a password here: sessions are
// made with auth.createSession). The router is then filled by experts.loadRoster(), exactly as at server start.
import argon2 from 'argon2';
import { DEMO_TAGS } from '../../dev/demo/catalog.js';
import { newId } from '../../server/domain/ids.js';
import type { Services } from '../../server/plugins/services.js';
export { seededRandom } from '../../server/domain/random.js';

export interface LoadSession {
  userId: string;
  cookie: string;
  csrfToken: string;
}

async function session(services: Services, userId: string): Promise<LoadSession> {
  const { token, csrfToken } = await services.auth.createSession(userId);
  return { userId, cookie: `hf_session=${token}`, csrfToken };
}

export async function seedRoster(services: Services, count: number, random: () => number) {
  for (const tag of DEMO_TAGS) if (!services.tags.exists(tag.slug)) await services.tags.create(tag);
  const slugs = DEMO_TAGS.map((t) => t.slug);
  const sqlite = services.db.$client;
  const passwordHash = await argon2.hash('load-test-shared-password');
  const now = services.clock.now();
  const insertUser = sqlite.prepare(
    'insert into users (id, email, name, role, password_hash, active, created_at) values (?, ?, ?, ?, ?, 1, ?)',
  );
  const insertProfile =
    sqlite.prepare(`insert into expert_profiles (user_id, handle, signature, capacity, availability, generalist, store, simulated, updated_at)
    values (?, ?, ?, 3, 'available', ?, ?, 0, ?)`);
  const insertSkill = sqlite.prepare('insert into expert_skills (user_id, tag, level) values (?, ?, ?)');
  const expertIds: string[] = [];
  const managerId = newId(now);
  // The fixture is written raw, for speed, but inside a unit: no other unit's transaction is open meanwhile (the
  // app's timers run), so none can take these rows with it if it rolls back.
  await services.uow.run(async () => {
    insertUser.run(managerId, 'manager@load.helpforce.test', 'Load Manager', 'manager', passwordHash, now);
    for (let i = 0; i < count; i++) {
      const id = newId(now);
      insertUser.run(id, `expert${i}@load.helpforce.test`, `Load Expert ${i}`, 'expert', passwordHash, now);
      insertProfile.run(id, `load_${i}`, `LE${i}`, random() < 0.05 ? 1 : 0, `Store #${i % 300}`, now);
      const skills = new Set<string>();
      const wanted = 1 + Math.floor(random() * 3);
      while (skills.size < wanted) skills.add(slugs[Math.floor(random() * slugs.length)]!);
      for (const tag of skills) insertSkill.run(id, tag, 1 + Math.floor(random() * 5));
      expertIds.push(id);
    }
  });
  await services.experts.loadRoster();
  const experts: LoadSession[] = [];
  for (const id of expertIds) experts.push(await session(services, id));
  return {
    experts,
    manager: await session(services, managerId),
    token: (await services.auth.createApiToken({ name: 'load ingest', role: 'manager', userId: managerId })).token,
  };
}
