export const HALF_LIVES = [4, 16, 64, 256, 1024, 4096] as const;
const RECENT_EXPERTS = 32;

interface ExpertActivity {
  count: number;
  decayed: number[];
  lastEvent: number;
  firstEvent: number;
  lastAt: number;
}

export interface ActivitySnapshot {
  count: number;
  recent: readonly number[];
  sinceLast: number;
  tenure: number;
}

/**
 * Who answers, how much, and how recently. Recency is counted in questions learned (an event clock) at several
 * half-lives, so it means the same on a site with ten questions a day and one with ten a minute; the time since
 * an expert's last answer is measured in typical gaps between questions for the same reason.
 */
export interface ActivityTracker {
  record(expertId: string, questionKey: string, at: number, weight: number): void;
  snapshot(expertId: string, now: number): ActivitySnapshot;
  recentlyActive(): readonly string[];
  readonly experts: readonly string[];
  /** Questions learned so far: the clock recency is counted on. */
  readonly events: number;
}

export function createActivityTracker(): ActivityTracker {
  const byExpert = new Map<string, ExpertActivity>();
  const experts: string[] = [];
  const recent: string[] = [];
  let events = 0;
  let lastKey: string | null = null;
  let lastQuestionAt: number | null = null;
  let typicalGap = 0;

  const decayTo = (activity: ExpertActivity) => {
    const elapsed = events - activity.lastEvent;
    if (elapsed === 0) return;
    HALF_LIVES.forEach((halfLife, i) => {
      activity.decayed[i]! *= 2 ** (-elapsed / halfLife);
    });
    activity.lastEvent = events;
  };

  const newQuestion = (questionKey: string, at: number) => {
    events += 1;
    lastKey = questionKey;
    if (lastQuestionAt !== null && at >= lastQuestionAt) {
      const gap = at - lastQuestionAt;
      typicalGap = typicalGap === 0 ? gap : typicalGap + (gap - typicalGap) * 0.02;
    }
    lastQuestionAt = at;
  };

  return {
    record(expertId, questionKey, at, weight) {
      if (questionKey !== lastKey) newQuestion(questionKey, at);
      let activity = byExpert.get(expertId);
      if (!activity) {
        activity = { count: 0, decayed: HALF_LIVES.map(() => 0), lastEvent: events, firstEvent: events, lastAt: at };
        byExpert.set(expertId, activity);
        experts.push(expertId);
      }
      decayTo(activity);
      activity.count += weight;
      activity.decayed.forEach((value, i) => {
        activity.decayed[i] = value + weight;
      });
      activity.lastAt = Math.max(activity.lastAt, at);
      const seen = recent.indexOf(expertId);
      if (seen >= 0) recent.splice(seen, 1);
      recent.push(expertId);
      if (recent.length > RECENT_EXPERTS) recent.shift();
    },
    snapshot(expertId, now) {
      const activity = byExpert.get(expertId);
      if (!activity) return { count: 0, recent: HALF_LIVES.map(() => 0), sinceLast: Infinity, tenure: 0 };
      decayTo(activity);
      const sinceLast = Math.max(0, now - activity.lastAt) / (typicalGap > 0 ? typicalGap : 1);
      return { count: activity.count, recent: activity.decayed, sinceLast, tenure: events - activity.firstEvent };
    },
    recentlyActive: () => recent,
    get experts() {
      return experts;
    },
    get events() {
      return events;
    },
  };
}
