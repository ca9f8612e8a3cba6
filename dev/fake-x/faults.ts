import type { FaultRule } from './types.js';
export { seededRandom } from '../../server/domain/random.js';

interface ActiveFault {
  rule: FaultRule;
  remaining: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  inject(rule: FaultRule): void {
    this.faults.push({ rule, remaining: rule.times ?? Infinity });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first rule that matches and fires (probability) is used up once and returned. */
  take(method: string, path: string, routePattern: string | undefined): FaultRule | undefined {
    if (this.faults.length === 0) return undefined;
    const fault = this.faults.find(({ rule }) => matches(rule, method, path, routePattern) && this.fires(rule));
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.faults = this.faults.filter((other) => other !== fault);
    return fault.rule;
  }

  private fires(rule: FaultRule): boolean {
    return rule.probability === undefined || this.random() < rule.probability;
  }
}

function matches(rule: FaultRule, method: string, path: string, routePattern: string | undefined): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (rule.path === undefined) return true;
  if (typeof rule.path === 'string') return rule.path === path || rule.path === routePattern;
  rule.path.lastIndex = 0;
  return rule.path.test(path);
}
