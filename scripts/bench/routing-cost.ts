// Routing cost: CPU per routed question on a router built with createRouter and filled with synthetic experts, tags
// and learned answers, at several roster sizes. Measured in this process with process.cpuUsage() around many
// route() calls, each followed by noteOffered() for the offered experts, as the dispatcher does.
import { CANNED_ANSWERS, DEMO_TAGS, SAMPLE_QUESTIONS } from '../../dev/demo/catalog.js';
import { createRouter, type RoutingExpert, type TagRule, type TagScore } from '../../server/domain/routing/index.js';
import { seeded, TAG_SLUGS } from './roster.js';
import { round } from './stats.js';

export interface RoutingCost {
  experts: number;
  online: number;
  learnedAnswers: number;
  cpuUsPerQuestion: number | null;
  wallUsPerQuestion: number | null;
  buildMs: number;
  learnUsPerAnswer: number | null;
  emptyRoutes: number;
}

const RULES: TagRule[] = DEMO_TAGS.map((t) => ({ slug: t.slug, keywords: [t.name, ...t.keywords] }));
// Tags beyond the retailer's nine spread the skills the way a large roster would (skills no question text names).
const EXTRA_TAGS = Array.from({ length: 21 }, (_, i) => `team-${i}`);
const ALL_TAGS = [...TAG_SLUGS, ...EXTRA_TAGS];
const VOCABULARY = [
  ...new Set(
    [...SAMPLE_QUESTIONS, ...Object.values(CANNED_ANSWERS).flat()]
      .join(' ')
      .toLowerCase()
      .match(/[a-z][a-z0-9-]{2,}/g),
  ),
];

function questionText(random: () => number): string {
  const words = Array.from({ length: 4 }, () => VOCABULARY[Math.floor(random() * VOCABULARY.length)]);
  return `${SAMPLE_QUESTIONS[Math.floor(random() * SAMPLE_QUESTIONS.length)]} ${words.join(' ')} model${Math.floor(random() * 500)}`;
}

function expert(id: string, random: () => number, online: boolean): RoutingExpert {
  const skills = new Map<string, number>();
  const wanted = 1 + Math.floor(random() * 3);
  while (skills.size < wanted)
    skills.set(ALL_TAGS[Math.floor(random() * ALL_TAGS.length)]!, 1 + Math.floor(random() * 5));
  return {
    id,
    skills: [...skills].map(([tag, level]) => ({ tag, level })),
    generalist: random() < 0.05,
    capacity: 3,
    load: Math.floor(random() * 2),
    availability: random() < 0.9 ? 'available' : 'away',
    schedule:
      random() < 0.2
        ? { timezone: 'America/Chicago', slots: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: 0, end: 1440 })) }
        : null,
    online,
    approved: Math.floor(random() * 40),
    rejected: Math.floor(random() * 4),
    medianClaimMs: null,
    medianReplyMs: null,
  };
}

export function measureRoutingCost(size: number, questions: number, onlineShare = 0.1): RoutingCost {
  const random = seeded(size);
  const router = createRouter({ k: 3, maxOffersPerHour: 1000, requireOnline: true });
  const now0 = Date.parse('2026-03-02T15:00:00Z');
  const built = performance.now();
  const online = Math.round(size * onlineShare);
  for (let i = 0; i < size; i++) router.upsertExpert(expert(`e${i}`, random, i % Math.round(1 / onlineShare) === 0));
  const learnedAnswers = Math.round(size / 2);
  const learnStart = performance.now();
  for (let i = 0; i < learnedAnswers; i++) {
    const text = questionText(random);
    const at = now0 - 30 * 24 * 3600_000 + Math.floor((i / learnedAnswers) * 30 * 24 * 3600_000);
    router.learnAnswer(
      `e${Math.floor(random() * size)}`,
      text,
      router.classify(text, RULES).map((t) => t.slug),
      at,
    );
  }
  const learnMs = performance.now() - learnStart;
  const buildMs = performance.now() - built;

  const inputs: { text: string; tags: TagScore[] }[] = Array.from({ length: questions + 200 }, () => {
    const text = questionText(random);
    return { text, tags: router.classify(text, RULES) };
  });
  let now = now0;
  let emptyRoutes = 0;
  const routeOne = (input: { text: string; tags: TagScore[] }) => {
    now += 250;
    const { ranked } = router.route({ text: input.text, tags: input.tags, now });
    if (ranked.length === 0) emptyRoutes++;
    for (const r of ranked) router.noteOffered(r.expertId, now);
  };
  for (const input of inputs.slice(0, 200)) routeOne(input); // warm-up: JIT and caches
  emptyRoutes = 0;
  const cpu = process.cpuUsage();
  const wall = performance.now();
  for (const input of inputs.slice(200)) routeOne(input);
  const wallUs = (performance.now() - wall) * 1000;
  const used = process.cpuUsage(cpu);
  return {
    experts: size,
    online,
    learnedAnswers,
    cpuUsPerQuestion: round((used.user + used.system) / questions, 1),
    wallUsPerQuestion: round(wallUs / questions, 1),
    buildMs: Math.round(buildMs),
    learnUsPerAnswer: round((learnMs * 1000) / Math.max(1, learnedAnswers), 1),
    emptyRoutes,
  };
}

export function runRoutingCost(sizes: number[], questions: number) {
  const bySize: RoutingCost[] = [];
  for (const size of sizes) {
    console.error(`  routing: ${size.toLocaleString('en-US')} experts…`);
    bySize.push(measureRoutingCost(size, questions));
  }
  const first = bySize[0];
  const last = bySize[bySize.length - 1];
  const growth =
    first && last && first.cpuUsPerQuestion && last.cpuUsPerQuestion
      ? {
          experts: round(last.experts / first.experts, 1),
          cpu: round(last.cpuUsPerQuestion / first.cpuUsPerQuestion, 2),
        }
      : null;
  return { bySize, growth, subLinear: growth ? growth.cpu! < growth.experts! : null };
}
