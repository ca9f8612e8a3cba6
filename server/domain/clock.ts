/** Time as a dependency: services take a Clock so tests can move time instead of sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export function createManualClock(start = Date.parse('2026-01-05T12:00:00.000Z')) {
  let current = start;
  return {
    now: () => current,
    advance(ms: number) {
      current += ms;
      return current;
    },
    set(ms: number) {
      current = ms;
    },
  };
}
export type ManualClock = ReturnType<typeof createManualClock>;
