// Seeds the demo once per database: tags, a manager, one expert account for you, and twelve simulated experts.
import type { Services } from '../plugins/services.js';
import { DEMO_EXPERTS, DEMO_TAGS } from './catalog.js';

export const DEMO_ACCOUNTS = {
  admin: { email: 'admin@demo.helpforce.test', password: 'demo-admin-2026' },
  manager: { email: 'manager@demo.helpforce.test', password: 'demo-manager-2026' },
  expert: { email: 'expert@demo.helpforce.test', password: 'demo-expert-2026' },
};

export const simulatedEmail = (name: string) => `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@sim.helpforce.test`;

export async function seedDemo(services: Services) {
  const { auth, tags, experts, settings } = services;
  for (const tag of DEMO_TAGS) if (!tags.exists(tag.slug)) tags.create(tag);
  const existing = new Set(auth.listUsers().map((u) => u.email));
  if (existing.has(DEMO_ACCOUNTS.manager.email)) return;

  // Sensitive tags (returns, repairs) always go to review; other replies are approved on submit in the demo so the
  // network keeps moving while nobody is reviewing.
  settings.update({ reviewPolicy: { minApproved: 0, reviewAll: false } });
  await auth.createUser({ ...DEMO_ACCOUNTS.manager, name: 'Morgan Reyes', role: 'manager' });
  const you = await auth.createUser({ ...DEMO_ACCOUNTS.expert, name: 'Alex Kim', role: 'expert' });
  experts.ensureProfile(you.id, you.name, {
    signature: 'AK', store: 'Store #112 Austin', capacity: 3, generalist: true,
    skills: DEMO_TAGS.map((t, i) => ({ tag: t.slug, level: (i % 3) + 3 })),
  });
  for (const expert of DEMO_EXPERTS) {
    const user = await auth.createUser({ email: simulatedEmail(expert.name), name: `${expert.name} (sim)`, role: 'expert', password: `sim-${Math.random().toString(36).slice(2)}-pw` });
    experts.ensureProfile(user.id, user.name, {
      signature: expert.signature, store: `${expert.store} · simulated`, capacity: expert.capacity ?? 2, generalist: expert.generalist ?? false,
      skills: expert.skills.map(([tag, level]) => ({ tag, level })), simulated: true,
    });
  }
}
