import type { OfferQuota } from './availability.js';

export interface TagRule {
  slug: string;
  keywords: string[];
}

export interface TagScore {
  slug: string;
  confidence: number;
  source: 'rules' | 'model' | 'manual';
}

export interface ScheduleSlot {
  day: number;
  start: number;
  end: number;
}

export interface WeeklySchedule {
  timezone: string;
  slots: ScheduleSlot[];
}

export interface RoutingExpert {
  id: string;
  skills: { tag: string; level: number }[];
  generalist: boolean;
  capacity: number;
  load: number;
  availability: 'available' | 'away';
  schedule: WeeklySchedule | null;
  online: boolean;
  /** Reachable without an open tab: the expert has at least one Web Push subscription. */
  pushable?: boolean;
  approved: number;
  rejected: number;
  medianClaimMs: number | null;
  medianReplyMs: number | null;
}

export interface RoutingSettings {
  k: number;
  maxOffersPerHour: number;
  /** Offer only to experts who can be told now: a connected tab or a push subscription (availability.ts isReachable). */
  requireOnline: boolean;
}

export interface RankedExpert {
  expertId: string;
  score: number;
  reasons: Record<string, number>;
}

export interface RouteResult {
  ranked: RankedExpert[];
  pool: 'skilled' | 'generalists' | 'none';
}

export interface RouteInput {
  text: string;
  tags: TagScore[];
  exclude?: ReadonlySet<string>;
  now: number;
}

export interface RankInput {
  text: string;
  tags: TagScore[];
  now: number;
}

export interface Router {
  upsertExpert(expert: RoutingExpert): void;
  removeExpert(id: string): void;
  setLoad(id: string, load: number): void;
  setOnline(id: string, online: boolean): void;
  setPushable(id: string, pushable: boolean): void;
  /** On the roster (an expert profile and an active account) and set to Available, not Away. */
  isAvailable(id: string): boolean;
  noteOffered(id: string, at: number): void;
  /** Of the experts set to Available: how many have the app open, and how many can be told of an offer now. */
  presence(): { appOpen: number; reachable: number };
  /** Offers in the last hour against the hourly cap; null for someone not on the roster. */
  offerQuota(id: string, now: number): OfferQuota | null;
  classify(text: string, rules: readonly TagRule[]): TagScore[];
  learnTags(text: string, tags: string[]): void;
  learnAnswer(expertId: string, text: string, tags: string[], at: number, weight?: number): void;
  route(input: RouteInput): RouteResult;
  rank(input: RankInput, candidateIds?: readonly string[]): RankedExpert[];
}
