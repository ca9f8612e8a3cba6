import type { RoutingExpert, RoutingSettings, WeeklySchedule } from './types.js';

const HOUR_MS = 3_600_000;
const MINUTES_PER_DAY = 1440;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export type Ineligibility = 'excluded' | 'away' | 'off-schedule' | 'offline' | 'at-capacity' | 'hourly-cap';

export interface OfferLog {
  times: number[];
  lastOfferedAt: number;
}

export function createOfferLog(): OfferLog {
  return { times: [], lastOfferedAt: -Infinity };
}

export function recordOffer(log: OfferLog, at: number): void {
  log.times.push(at);
  log.lastOfferedAt = Math.max(log.lastOfferedAt, at);
  pruneOffers(log, at);
}

export function offersInLastHour(log: OfferLog, now: number): number {
  pruneOffers(log, now);
  // Offers are recorded as they happen, so normally none is after `now` and every kept one counts; a clock read from
  // the past (replays, tests) falls back to counting. Routing asks this twice per candidate.
  if (log.lastOfferedAt <= now) return log.times.length;
  return log.times.reduce((count, at) => count + (at <= now ? 1 : 0), 0);
}

export interface OfferQuota {
  /** Offers made in the last hour. */
  used: number;
  max: number;
  /** While at the cap: when the oldest offer leaves the hour, so a new one may come. */
  resumesAt: number | null;
}

export function hourlyQuota(log: OfferLog, max: number, now: number): OfferQuota {
  const used = offersInLastHour(log, now);
  const oldest = used >= max ? log.times[used - max] : undefined;
  return { used, max, resumesAt: oldest === undefined ? null : oldest + HOUR_MS };
}

function pruneOffers(log: OfferLog, now: number): void {
  while (log.times.length > 0 && log.times[0]! <= now - HOUR_MS) log.times.shift();
}

/** Local time as minutes since Sunday midnight; an unknown zone reads as UTC. */
export type LocalClock = (timezone: string) => number;

const formatters = new Map<string, Intl.DateTimeFormat>();
const lastReading = new Map<string, { minute: number; value: number }>();

export function localClock(now: number): LocalClock {
  const minute = Math.floor(now / 60_000);
  return (timezone) => {
    const cached = lastReading.get(timezone);
    if (cached?.minute === minute) return cached.value;
    const value = minuteOfWeek(timezone, now);
    lastReading.set(timezone, { minute, value });
    return value;
  };
}

export function minuteOfWeek(timezone: string, now: number): number {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    try {
      formatter = minuteFormatter(timezone);
    } catch {
      formatter = minuteFormatter('UTC');
    }
    formatters.set(timezone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(new Date(now)).map((part) => [part.type, part.value]));
  return WEEKDAYS.indexOf(parts.weekday ?? 'Sun') * MINUTES_PER_DAY + Number(parts.hour) * 60 + Number(parts.minute);
}

function minuteFormatter(timezone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

/** Slots are [start, end) minutes of a local day; one whose end is not after its start runs past midnight. */
export function withinSchedule(schedule: WeeklySchedule | null, clock: LocalClock): boolean {
  if (!schedule) return true;
  const minute = clock(schedule.timezone);
  const week = 7 * MINUTES_PER_DAY;
  return schedule.slots.some(({ day, start, end }) => {
    const from = day * MINUTES_PER_DAY + start;
    const length = end > start ? end - start : end + MINUTES_PER_DAY - start;
    return (minute - from + week) % week < length;
  });
}

/** An expert can be told of an offer now: a tab connected, or a device subscribed to push. */
export function isReachable(expert: RoutingExpert): boolean {
  return expert.online || expert.pushable === true;
}

export function ineligibility(
  expert: RoutingExpert,
  offers: OfferLog,
  settings: RoutingSettings,
  now: number,
  clock: LocalClock,
  exclude?: ReadonlySet<string>,
): Ineligibility | null {
  if (exclude?.has(expert.id)) return 'excluded';
  if (expert.availability !== 'available') return 'away';
  if (settings.requireOnline && !isReachable(expert)) return 'offline';
  if (expert.load >= expert.capacity) return 'at-capacity';
  if (offersInLastHour(offers, now) >= settings.maxOffersPerHour) return 'hourly-cap';
  if (!withinSchedule(expert.schedule, clock)) return 'off-schedule';
  return null;
}
