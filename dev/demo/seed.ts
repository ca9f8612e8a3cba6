// Seeds the demo once per database: tags, a manager, one expert account for you, and twelve simulated experts.
import type { Services } from '../../server/plugins/services.js';
import { DEMO_EXPERTS, DEMO_TAGS } from './catalog.js';

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

export const DEMO_REVIEW_POLICY = { minApproved: 0, reviewAll: false };

export const simulatedEmail = (name: string) => `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@sim.helpforce.test`;

/** Idempotent: each tag and account is created only when missing, so a restart (or a start after a crash half-way
 * through the first seed) adds nothing twice and keeps what people changed since. */
export async function seedDemo(services: Services) {
  const { auth, tags, experts, settings } = services;
  for (const tag of DEMO_TAGS) if (!tags.exists(tag.slug)) tags.create(tag);
  const existing = new Set(auth.listUsers().map((u) => u.email));

  if (!existing.has(DEMO_ACCOUNTS.manager.email)) {
    // Only on the first start: afterwards the manager's own Settings choice stands. Sensitive tags (returns, repairs)
    // always go to review; other replies are approved on submit so the network keeps moving while nobody reviews.
    settings.update({ reviewPolicy: DEMO_REVIEW_POLICY });
    await auth.createUser({ ...DEMO_ACCOUNTS.manager, name: 'Morgan Reyes', role: 'manager' });
  }
  if (!existing.has(DEMO_ACCOUNTS.expert.email)) {
    const you = await auth.createUser({ ...DEMO_ACCOUNTS.expert, name: 'Alex Kim', role: 'expert' });
    experts.ensureProfile(you.id, you.name, {
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
    experts.ensureProfile(user.id, user.name, {
      signature: expert.signature,
      store: `${expert.store} · simulated`,
      capacity: expert.capacity ?? 2,
      generalist: expert.generalist ?? false,
      skills: expert.skills.map(([tag, level]) => ({ tag, level })),
      simulated: true,
    });
  }
}
