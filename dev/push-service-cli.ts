// The push service stand-in in a process of its own (benchmarks: its decrypting must not share the server's CPU
// time). Prints `{"url","ca"}` as its first line, then answers one JSON line per command read from stdin:
//   {"subscribe": N}       → {"subscriptions": [...]}   (PushSubscription.toJSON() each)
//   {"answer": {...}|null} → {"ok": true}               (how to answer pushes from now on)
//   {"received": true}     → {"received": [[questionId, at], ...], "refused": N}
import { createInterface } from 'node:readline';
import { startPushService, type PushAnswer } from './push-service.js';

const service = await startPushService({ keep: 1_000_000 });
const say = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
say({ url: service.url, ca: service.ca });
for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as { subscribe?: number; answer?: PushAnswer | null; received?: boolean };
  if (command.subscribe !== undefined)
    say({ subscriptions: Array.from({ length: command.subscribe }, () => service.subscribe()) });
  else if (command.answer !== undefined) {
    service.answer(command.answer);
    say({ ok: true });
  } else if (command.received)
    say({
      received: service.received.map((m) => [(m.payload as { questionId?: string }).questionId, m.at]),
      refused: service.refused.length,
    });
}
await service.close();
