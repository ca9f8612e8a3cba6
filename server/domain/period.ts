// The period a range endpoint (metrics, insights, recognition) reads: [from, to) in epoch ms. Its cost grows with its
// length — the metrics summarise every hour of it, the digest reads the period before it too — so a period longer
// than MAX_PERIOD_DAYS is refused rather than served at the price of the whole server's memory.
import { AppError, invalid } from '../errors.js';

const DAY_MS = 24 * 3600_000;

/** The longest period served: a year, leap day included. The web client checks it before asking. */
export const MAX_PERIOD_DAYS = 366;
/** The years a period's bound may name (the API's schema refuses others): a mistyped year is refused, not read as history. */
export const PERIOD_YEARS = { first: 1970, last: 2999 };

export function resolvePeriod(
  range: { from?: string; to?: string },
  now: number,
  defaultDays: number,
): { from: number; to: number } {
  const to = range.to ? Date.parse(range.to) : now;
  const from = range.from ? Date.parse(range.from) : to - defaultDays * DAY_MS;
  if (!Number.isFinite(from) || !Number.isFinite(to))
    throw new AppError(400, 'invalid_request', '`from` and `to` must be dates');
  if (from >= to) throw invalid('invalid_range', '`from` must be before `to`');
  if (to - from > MAX_PERIOD_DAYS * DAY_MS) {
    throw new AppError(
      400,
      'range_too_large',
      `A period is at most ${MAX_PERIOD_DAYS} days; this one is ${Math.ceil((to - from) / DAY_MS)} (ask for a shorter one)`,
    );
  }
  return { from, to };
}
