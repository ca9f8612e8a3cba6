// Synthetic experts for the benchmark. Creating 10,000 users through auth.createUser would hash 10,000 passwords with
// argon2 (~50 ms each, ~8 minutes), so user rows are inserted directly with one precomputed hash, profiles and skills
// in batches, and the router is filled by experts.loadRoster() exactly as at server start.
import argon2 from 'argon2';
import * as schema from '../../db/schema.js';
import * as pgSchema from '../../db/pg/schema.js';
import type { Services } from '../../server/plugins/services.js';
import { DEMO_TAGS, SAMPLE_QUESTIONS } from '../../dev/demo/catalog.js';
import { newId } from '../../server/domain/ids.js';
import { seededRandom } from '../../server/domain/random.js';
import type { User } from '../../server/contracts/api.js';

export interface SeededExpert extends User {
  available: boolean;
}

/** The same roster every run. */
export const seeded = seededRandom;

export const TAG_SLUGS = DEMO_TAGS.map((t) => t.slug);

export async function ensureTags(services: Services) {
  for (const tag of DEMO_TAGS) if (!services.tags.exists(tag.slug)) await services.tags.create(tag);
}

/** Inserts `count` experts; the first `online` are the ones the bench connects (all available). */
export async function seedExperts(services: Services, count: number, online: number): Promise<SeededExpert[]> {
  const passwordHash = await argon2.hash('bench-expert-password');
  const random = seeded(42);
  const now = services.clock.now();
  const users: (typeof schema.users.$inferInsert)[] = [];
  const profiles: (typeof schema.expertProfiles.$inferInsert)[] = [];
  const skillRows: (typeof schema.expertSkills.$inferInsert)[] = [];
  const experts: SeededExpert[] = [];
  for (let i = 0; i < count; i++) {
    const id = newId(now);
    const name = `Bench Expert ${i}`;
    const available = i < online || random() > 0.1;
    users.push({ id, email: `expert${i}@bench.helpforce.test`, name, role: 'expert', passwordHash, createdAt: now });
    profiles.push({
      userId: id,
      handle: `bench_${i}`,
      signature: `BE${i}`,
      capacity: 3,
      availability: available ? 'available' : 'away',
      generalist: random() < 0.05,
      store: `Store #${i % 400}`,
      simulated: false,
      updatedAt: now,
    });
    const skills = new Set<string>();
    const wanted = 1 + Math.floor(random() * 3);
    while (skills.size < wanted) skills.add(TAG_SLUGS[Math.floor(random() * TAG_SLUGS.length)]!);
    for (const tag of skills) skillRows.push({ userId: id, tag, level: 1 + Math.floor(random() * 5) });
    experts.push({ id, email: `expert${i}@bench.helpforce.test`, name, role: 'expert', available });
  }
  const { storage } = services;
  if (storage.engine === 'sqlite') {
    // The fixture is written raw, for speed, but inside a unit: no other unit's transaction is open meanwhile (the
    // app's timers run), so none can take these rows with it if it rolls back.
    await services.uow.run(async () => {
      for (const rows of chunks(users)) storage.db.insert(schema.users).values(rows).run();
      for (const rows of chunks(profiles)) storage.db.insert(schema.expertProfiles).values(rows).run();
      for (const rows of chunks(skillRows)) storage.db.insert(schema.expertSkills).values(rows).run();
    });
  } else {
    await storage.db.transaction(async (tx) => {
      for (const rows of chunks(users)) await tx.insert(pgSchema.users).values(rows);
      for (const rows of chunks(profiles)) await tx.insert(pgSchema.expertProfiles).values(rows);
      for (const rows of chunks(skillRows)) await tx.insert(pgSchema.expertSkills).values(rows);
    });
  }
  await services.experts.loadRoster();
  return experts;
}

/** Rows in batches small enough for either engine's limit on bound parameters. */
function* chunks<T>(rows: T[], size = 500): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/** Routing history: each answer teaches the router which expert handles which words and tags (as replay does). */
export function learnAnswers(services: Services, experts: readonly SeededExpert[], answers: number) {
  const random = seeded(7);
  const now = services.clock.now();
  const rules = services.tags.rules();
  for (let i = 0; i < answers; i++) {
    const expert = experts[Math.floor(random() * experts.length)]!;
    const text = SAMPLE_QUESTIONS[Math.floor(random() * SAMPLE_QUESTIONS.length)]!;
    const tags = services.router.classify(text, rules).map((t) => t.slug);
    services.router.learnAnswer(expert.id, text, tags, now - Math.floor(random() * 30 * 24 * 3600_000));
  }
}

export async function createBenchManager(services: Services): Promise<{ user: User; token: string }> {
  const email = 'manager@bench.helpforce.test';
  let row = await services.data.users.byEmail(email);
  if (!row) {
    const passwordHash = await argon2.hash('bench-manager-password');
    const values = { id: newId(services.clock.now()), email, name: 'Bench Manager', role: 'manager' as const };
    row = await services.uow.run((unit) =>
      unit.users.insert({ ...values, passwordHash, createdAt: services.clock.now() }),
    );
    if (!row) throw new Error(`${email} was taken meanwhile`);
  }
  const user: User = { id: row.id, email, name: row.name, role: 'manager' };
  const { token } = await services.auth.createApiToken({ name: 'bench', role: 'manager', userId: user.id });
  return { user, token };
}
