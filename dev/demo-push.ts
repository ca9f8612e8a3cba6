// The demo's push: its simulated experts hold subscriptions at an in-process push service stand-in, so routing
// reaches them the way it reaches a real expert's phone (with no tab open). Loopback endpoints are allowed for the
// demo only, and the stand-in's self-signed certificate is trusted for push requests only.
import type { AppConfig } from '../server/config.js';
import { DEFAULT_PUSH_CONFIG } from '../server/services/push.js';
import type { Services } from '../server/plugins/services.js';
import { startPushService, type PushServiceStandIn } from './push-service.js';

export async function startDemoPush(config: AppConfig): Promise<PushServiceStandIn> {
  const service = await startPushService({ keep: 200 });
  config.push = { ...(config.push ?? DEFAULT_PUSH_CONFIG), allowLocalEndpoints: true, extraCa: service.ca };
  return service;
}

/** Each simulated expert gets one fresh device at the stand-in (the last run's endpoints died with its process). */
export async function subscribeSimulatedExperts(services: Services, service: PushServiceStandIn): Promise<number> {
  // A deactivated simulated expert is left alone, like anyone else whose account was closed.
  const simulated = (await services.data.experts.activeProfiles()).filter((p) => p.simulated);
  for (const { userId } of simulated) {
    for (const old of await services.push.subscriptions.list(userId))
      await services.push.subscriptions.remove(userId, old.id);
    await services.push.subscriptions.subscribe(userId, service.subscribe(), 'Helpforce demo (simulated phone)');
  }
  return simulated.length;
}
