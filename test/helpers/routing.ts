import type { RoutingExpert } from '../../server/domain/routing/index.js';

/** An expert as the router holds one: available, online, idle, no skills and no record, unless `overrides` say. */
export function routingExpert(id: string, overrides: Partial<RoutingExpert> = {}): RoutingExpert {
  return {
    id,
    skills: [],
    generalist: false,
    capacity: 3,
    load: 0,
    availability: 'available',
    schedule: null,
    online: true,
    approved: 0,
    rejected: 0,
    medianClaimMs: null,
    medianReplyMs: null,
    ...overrides,
  };
}
