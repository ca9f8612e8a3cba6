// Seeds the demo once per database: tags, a manager, one expert account for you, twelve simulated experts, a simulated
// shift lead who reviews what the manager leaves waiting, and a few weeks of answered questions.
import type { RoutingConfig } from '../../server/config.js';
import type { Services } from '../../server/plugins/services.js';
import { DEMO_EXPERTS, DEMO_TAGS } from './catalog.js';
import { seedHistory } from './history.js';

export const DEMO_ACCOUNTS = {
  admin: { email: 'admin@demo.helpforce.test', password: 'demo-admin-2026' },
  manager: { email: 'manager@demo.helpforce.test', password: 'demo-manager-2026' },
  expert: { email: 'expert@demo.helpforce.test', password: 'demo-expert-2026' },
};

/** The logins as a plain block for the terminal: someone starting the demo should not have to read them out of JSON. */
export function demoBanner(url: string, fakeXUrl: string, adminEmail = DEMO_ACCOUNTS.admin.email): string {
  // An admin of your own (ADMIN_EMAIL) is yours to remember: its password is never printed.
  const accounts = Object.entries(DEMO_ACCOUNTS).filter(
    ([role]) => role !== 'admin' || adminEmail === DEMO_ACCOUNTS.admin.email,
  );
  const rows = accounts.map(([role, a]) => `  ${role.padEnd(8)} ${a.email.padEnd(30)} ${a.password}`);
  return [
    '',
    `Helpforce demo: open ${url} and sign in as`,
    ...rows,
    '',
    `Customers post on the fake X (their view: ${fakeXUrl}/); simulated experts (names end in "(sim)") answer some.`,
    '',
  ].join('\n');
}

/** Reviews simulated experts' replies the manager has left waiting for a while (dev/demo/simulator.ts). */
export const SHIFT_LEAD = { email: 'shift.lead@sim.helpforce.test', name: 'Jordan Blake (sim)' };

export const DEMO_REVIEW_POLICY = { minApproved: 0, reviewAll: false };

export const simulatedEmail = (name: string) => `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@sim.helpforce.test`;

/** Idempotent: each tag and account is created only when missing, so a restart (or a start after a crash half-way
 * through the first seed) adds nothing twice and keeps what people changed since. */
export async function seedDemo(services: Services, options: { routing?: RoutingConfig } = {}) {
  const { auth, tags, experts, settings } = services;
  for (const tag of DEMO_TAGS) if (!tags.exists(tag.slug)) await tags.create(tag);
  const existing = new Set((await auth.listUsers()).map((u) => u.email));

  if (!existing.has(DEMO_ACCOUNTS.manager.email)) {
    // Only on the first start: afterwards the manager's own Settings choice stands. Sensitive tags (returns, repairs)
    // always go to review; other replies are approved on submit so the network keeps moving while nobody reviews.
    await settings.update({ reviewPolicy: DEMO_REVIEW_POLICY });
    await auth.createUser({ ...DEMO_ACCOUNTS.manager, name: 'Morgan Reyes', role: 'manager' });
  }
  if (!existing.has(DEMO_ACCOUNTS.expert.email)) {
    const you = await auth.createUser({ ...DEMO_ACCOUNTS.expert, name: 'Alex Kim', role: 'expert' });
    await experts.ensureProfile(you.id, you.name, {
      signature: 'AK',
      store: 'Store #112 Austin',
      capacity: 3,
      generalist: true,
      skills: DEMO_TAGS.map((t, i) => ({ tag: t.slug, level: (i % 3) + 3 })),
    });
  }
  for (const expert of DEMO_EXPERTS) {
    if (existing.has(simulatedEmail(expert.name))) continue;
    const user = await auth.createUser({
      email: simulatedEmail(expert.name),
      name: `${expert.name} (sim)`,
      role: 'expert',
      password: `sim-${Math.random().toString(36).slice(2)}-pw`,
    });
    await experts.ensureProfile(user.id, user.name, {
      signature: expert.signature,
      store: `${expert.store} · simulated`,
      capacity: expert.capacity ?? 2,
      generalist: expert.generalist ?? false,
      skills: expert.skills.map(([tag, level]) => ({ tag, level })),
      simulated: true,
    });
  }
  if (!existing.has(SHIFT_LEAD.email))
    await auth.createUser({
      ...SHIFT_LEAD,
      role: 'manager',
      password: `sim-${Math.random().toString(36).slice(2)}-pw`,
    });
  // Only into a database with no questions yet: the first start.
  const started = performance.now();
  const history = await seedHistory(services, { routing: options.routing });
  return { history, historyMs: Math.round(performance.now() - started) };
}

/**
 * The demo's customers ask every few seconds, far more than a team of thirteen is offered in a real shop: under the
 * default hourly cap every expert would be capped within minutes and new questions would find nobody ("No expert
 * available"). Unless MAX_OFFERS_PER_HOUR is set, the cap is raised to what the demo's pace needs: each question is
 * offered to k experts, and about as many again in later waves.
 */
export function demoRouting(routing: RoutingConfig, intervalMs: number, env: NodeJS.ProcessEnv): RoutingConfig {
  if (env.MAX_OFFERS_PER_HOUR) return routing;
  const offersPerHour = (3_600_000 / intervalMs) * routing.k * 2;
  const needed = Math.ceil(offersPerHour / (DEMO_EXPERTS.length + 1));
  return { ...routing, maxOffersPerHour: Math.max(routing.maxOffersPerHour, needed) };
}
