// Faults the tests inject, matched by method NSID: an error status (429 comes with ratelimit-* headers), a dropped
// connection before the handler runs, or an answer dropped or held after it ran (the post is stored, the client never
// hears).
export interface FaultRule {
  /** e.g. "com.atproto.repo.putRecord"; every method when absent. */
  nsid?: string;
  status?: number;
  /** For a 429: seconds until `ratelimit-reset`. Default 60. */
  resetInSec?: number;
  drop?: 'before' | 'after';
  /** 'after': the handler runs (the post is stored) and the answer is held until the client goes away. */
  hang?: 'after';
  /** How many requests it applies to. Default 1. */
  times?: number;
}

export class FaultInjector {
  private faults: { rule: FaultRule; remaining: number }[] = [];

  inject(rule: FaultRule): void {
    this.faults.push({ rule, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  take(nsid: string): FaultRule | undefined {
    const fault = this.faults.find(({ rule }) => !rule.nsid || rule.nsid === nsid);
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.faults = this.faults.filter((other) => other !== fault);
    return fault.rule;
  }
}
