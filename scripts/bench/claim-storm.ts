// Claim storm: many experts claim the same question at the same moment over HTTP. Exactly one must get 200; every
// other claim must get 409 naming the winner, and the question must end up held by that one expert.
import type { AppEnv } from './app-env.js';
import type { BenchContext } from './context.js';
import { createAgent, request } from './http.js';
import { distribution, type Distribution } from './stats.js';

export interface ClaimStormResult {
  experts: number;
  rounds: number;
  /** One 200 per round, and the question ends up held by that expert. */
  exactlyOneWinner: boolean;
  /** Every other claim answered 409. */
  othersGot409: boolean;
  statuses: Record<string, number>;
  conflictCodes: Record<string, number>;
  settleMs: Distribution;
}

export async function runClaimStorm(ctx: BenchContext, env: AppEnv): Promise<ClaimStormResult> {
  const { url, token, sessions } = env.ready;
  const size = Math.min(ctx.flags.stormExperts, sessions.length);
  const agent = createAgent(size);
  // Open every connection first, so the storm measures claims rather than TCP handshakes.
  await Promise.all(Array.from({ length: size }, () => request(agent, `${url}/health`, { method: 'GET' })));
  const statuses: Record<string, number> = {};
  const conflictCodes: Record<string, number> = {};
  const settle: number[] = [];
  let exactlyOneWinner = true;
  let othersGot409 = true;
  for (let round = 0; round < ctx.flags.stormRounds; round++) {
    const created = await request(agent, `${url}/api/questions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({
        channel: 'api',
        externalId: `storm-${Date.now()}-${round}`,
        text: 'my new OLED keeps turning itself off, any idea?',
        author: { handle: 'storm_customer' },
      }),
    });
    const questionId = (JSON.parse(created.body) as { question: { id: string } }).question.id;
    // A different slice of experts each round: nobody reaches their capacity, so every loser's 409 is the race's.
    const claimers = Array.from({ length: size }, (_, i) => sessions[(round * size + i) % sessions.length]!);
    const started = performance.now();
    const results = await Promise.all(
      claimers.map((s) =>
        request(agent, `${url}/api/questions/${questionId}/claim`, {
          method: 'POST',
          headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken },
          body: '{}',
        }),
      ),
    );
    settle.push(performance.now() - started);
    const winners = results.map((r, i) => ({ r, s: claimers[i]! })).filter(({ r }) => r.status === 200);
    for (const { status, body } of results) {
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 409) {
        const code = (JSON.parse(body) as { error: { code: string } }).error.code;
        conflictCodes[code] = (conflictCodes[code] ?? 0) + 1;
      }
    }
    const detail = await request(agent, `${url}/api/questions/${questionId}`, {
      method: 'GET',
      headers: { authorization: `Bearer ${token}` },
    });
    const holder = (JSON.parse(detail.body) as { question: { assigneeId: string | null } }).question.assigneeId;
    if (winners.length !== 1 || holder !== winners[0]!.s.userId) exactlyOneWinner = false;
    if (results.filter((r) => r.status === 409).length !== size - 1) othersGot409 = false;
  }
  agent.destroy();
  return {
    experts: size,
    rounds: ctx.flags.stormRounds,
    exactlyOneWinner,
    othersGot409,
    statuses,
    conflictCodes,
    settleMs: distribution(settle),
  };
}
