export { createRouter } from './router.js';
export { contentTerms, ownCopy, tokenize } from './tokenize.js';
export type {
  RankedExpert,
  RankInput,
  RouteInput,
  RouteResult,
  Router,
  RoutingExpert,
  RoutingSettings,
  ScheduleSlot,
  TagRule,
  TagScore,
  WeeklySchedule,
} from './types.js';
